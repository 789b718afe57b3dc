import Foundation
import Metrics
import Prometheus
import RotorAuth
import RotorCore

/// One proxy's metrics, through swift-metrics into a Prometheus registry of the proxy's own — never the
/// process-wide metrics system, so that proxies in one process (the tests run many) count apart.
///
/// Every series is made once, up front, for each value its label can take: counting on the request path is a
/// dictionary lookup and an atomic add, and a scrape shows every series from the first one on. Label values are
/// rotor's spellings with `_` for `-` (`rate_limit`, `needs_login`), as Prometheus label values usually are; no
/// label ever carries an account, an email or a token.
///
/// What a request did is counted from its decision rows, where ``FailoverLoop`` writes them (``RequestTally``), so
/// that the counts cannot drift from the decision log; token refreshes where ``TokenRefresher`` reports them; the
/// accounts by state when scraped (``render(pool:)``).
struct ProxyMetrics: Sendable {
    /// Where the series live; rendered by ``render(pool:)``.
    let registry: PrometheusCollectorRegistry
    fileprivate let requests: [DecisionRecord.Outcome: CoreMetrics.Counter]
    fileprivate let internalFailures: CoreMetrics.Counter
    fileprivate let attempts: [DecisionRecord.Outcome: CoreMetrics.Counter]
    fileprivate let failovers: CoreMetrics.Counter
    fileprivate let relayedBytes: CoreMetrics.Counter
    fileprivate let timeToFirstByte: CoreMetrics.Timer
    fileprivate let requestDuration: CoreMetrics.Timer
    private let refreshes: [TokenRefresher.Outcome: CoreMetrics.Counter]
    private let accounts: (ready: Meter, reserved: Meter, cooling: Meter, needsLogin: Meter, disabled: Meter)

    /// The `outcome` value of a request rotor failed itself (the store could not be read or written): it has no
    /// decision row.
    static let internalOutcome = "internal"
    /// The `Content-Type` of ``render(pool:)``: Prometheus' text format.
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// Every series, at zero, in a new registry.
    init() {
        let make = SeriesMaker(registry: PrometheusCollectorRegistry())
        registry = make.registry
        let requestsHelp = "Requests that reached routing, by how they ended (the decision log's final outcome)."
        requests = Dictionary(uniqueKeysWithValues: DecisionRecord.Outcome.allCases.map {
            ($0, make.counter("requests", requestsHelp, ("outcome", Self.labelValue($0.rawValue))))
        })
        internalFailures = make.counter("requests", requestsHelp, ("outcome", Self.internalOutcome))
        attempts = Dictionary(uniqueKeysWithValues: DecisionRecord.Outcome.allCases.map {
            ($0, make.counter("attempts", "Upstream attempts, by how each ended (the decision log's outcome).",
                              ("classification", Self.labelValue($0.rawValue))))
        })
        failovers = make.counter("failovers", "Attempts sent on another account than the request's failed attempt before.")
        relayedBytes = make.counter("relayed_bytes", "Response body bytes of committed responses written to clients.")
        timeToFirstByte = make.timer(
            "time_to_first_byte",
            "From a request's arrival to the upstream's first event (or error head) of the answer the client got.",
            buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60])
        requestDuration = make.timer(
            "request_duration", "From a request's arrival until its outcome was decided.",
            buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800])
        refreshes = Dictionary(uniqueKeysWithValues: TokenRefresher.Outcome.allCases.map {
            ($0, make.counter("token_refreshes", "Token refreshes sent to the login server, by result.",
                              ("result", Self.label(for: $0))))
        })
        let accountsHelp = "The proxy's accounts by state when scraped."
        accounts = (make.meter("accounts", accountsHelp, ("state", "ready")),
                    make.meter("accounts", accountsHelp, ("state", "reserved")),
                    make.meter("accounts", accountsHelp, ("state", "cooling")),
                    make.meter("accounts", accountsHelp, ("state", "needs_login")),
                    make.meter("accounts", accountsHelp, ("state", "disabled")))
    }

    /// Counts a token refresh sent to the login server.
    func tokenRefreshed(_ outcome: TokenRefresher.Outcome) {
        refreshes[outcome]?.increment()
    }

    /// Counts a request rotor failed itself, without a decision row.
    func requestFailedInternally() {
        internalFailures.increment()
    }

    /// The metrics in Prometheus' text format, with the accounts gauge set from `pool` first.
    func render(pool: PoolHealth) -> [UInt8] {
        accounts.ready.set(pool.ready)
        accounts.reserved.set(pool.reserved)
        accounts.cooling.set(pool.cooling)
        accounts.needsLogin.set(pool.needsLogin)
        accounts.disabled.set(pool.disabled)
        return registry.emitToBuffer()
    }

    /// `value` as a label value: `-` becomes `_`.
    static func labelValue(_ value: String) -> String {
        value.replacingOccurrences(of: "-", with: "_")
    }

    static func label(for outcome: TokenRefresher.Outcome) -> String {
        switch outcome {
        case .refreshed: "success"
        case .needsLogin: "needs_login"
        case .failed: "failed"
        }
    }
}

/// Counts one request's decision rows into ``ProxyMetrics`` as they are written, remembering what a row alone does
/// not say: the account of the request's previous attempt (for failovers) and when the request arrived.
struct RequestTally {
    let metrics: ProxyMetrics
    /// When the request arrived.
    let startedAt: Date
    private var lastAttemptAccount: AccountID?

    init(metrics: ProxyMetrics, startedAt: Date) {
        self.metrics = metrics
        self.startedAt = startedAt
    }

    /// Counts `record`, written at `now`: an attempt (number 1 and up) by its outcome, a failover when its account
    /// is not the previous attempt's, its relayed bytes; and when it `finishesRequest`, the request by its outcome,
    /// its duration, and — when the answer came from upstream (`firstByte`) — its time to first byte.
    mutating func count(_ record: DecisionRecord, finishesRequest: Bool, firstByte: Duration?, now: Date) {
        if record.attempt > 0 {
            metrics.attempts[record.outcome]?.increment()
            if let lastAttemptAccount, lastAttemptAccount != record.accountID { metrics.failovers.increment() }
            lastAttemptAccount = record.accountID
        }
        if record.bytes > 0 { metrics.relayedBytes.increment(by: record.bytes) }
        guard finishesRequest else { return }
        metrics.requests[record.outcome]?.increment()
        metrics.requestDuration.record(duration: Self.duration(from: startedAt, to: now))
        if let firstByte {
            metrics.timeToFirstByte.record(duration: Self.duration(from: startedAt, to: record.time) + firstByte)
        }
    }

    private static func duration(from start: Date, to end: Date) -> Duration {
        .seconds(max(0, end.timeIntervalSince(start)))
    }
}

/// Makes swift-metrics objects whose handlers are series of one Prometheus registry, named `rotor_<name>_<unit>`,
/// with their help text.
private struct SeriesMaker {
    let registry: PrometheusCollectorRegistry
    var factory: PrometheusMetricsFactory { PrometheusMetricsFactory(registry: registry) }

    func counter(_ name: String, _ help: String, _ labels: (String, String)...) -> CoreMetrics.Counter {
        let descriptor = Self.descriptor(name, unit: "total", help)
        let series = registry.makeCounter(descriptor: descriptor, labels: labels)
        return CoreMetrics.Counter(label: descriptor.name, dimensions: labels, handler: series, factory: factory)
    }

    func meter(_ name: String, _ help: String, _ labels: (String, String)...) -> Meter {
        let descriptor = Self.descriptor(name, unit: "", help)
        let series = registry.makeGauge(descriptor: descriptor, labels: labels)
        return Meter(label: descriptor.name, dimensions: labels, handler: series, factory: factory)
    }

    func timer(_ name: String, _ help: String, buckets seconds: [Double]) -> CoreMetrics.Timer {
        let descriptor = Self.descriptor(name, unit: "seconds", help)
        let series = registry.makeDurationHistogram(descriptor: descriptor, buckets: seconds.map { .seconds($0) })
        return CoreMetrics.Timer(label: descriptor.name, dimensions: [], handler: series, factory: factory)
    }

    private static func descriptor(_ name: String, unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "rotor", metricName: name, unitName: unit, helpText: help)
    }
}
