import Foundation
import RotorAuth
import RotorCore
import Testing

@testable import RotorProxy

/// The counting rules of the proxy's metrics, on decision rows written by hand.
struct ProxyMetricsTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)
    static let (a, b) = (AccountID("00000000-0000-4000-8000-00000000000a")!,
                         AccountID("00000000-0000-4000-8000-00000000000b")!)

    static func row(_ attempt: Int, _ account: AccountID?, _ outcome: DecisionRecord.Outcome, at seconds: Double = 0,
                    bytes: Int = 0) -> DecisionRecord {
        DecisionRecord(time: start.addingTimeInterval(seconds), requestID: "r", attempt: attempt, accountID: account,
                       outcome: outcome, reason: "test", bytes: bytes)
    }

    static func samples(_ metrics: ProxyMetrics, pool: PoolHealth = PoolHealth(accounts: [], now: start)) throws
        -> PrometheusSamples
    {
        try PrometheusSamples(String(decoding: metrics.render(pool: pool), as: UTF8.self))
    }

    /// Every series exists at zero before anything happened, under rotor's names, types and label values.
    @Test func everySeriesStartsAtZero() throws {
        let samples = try Self.samples(ProxyMetrics())
        #expect(samples.types == [
            "rotor_requests_total": "counter", "rotor_attempts_total": "counter", "rotor_failovers_total": "counter",
            "rotor_relayed_bytes_total": "counter", "rotor_token_refreshes_total": "counter",
            "rotor_accounts": "gauge", "rotor_time_to_first_byte_seconds": "histogram",
            "rotor_request_duration_seconds": "histogram",
        ])
        let outcomes = DecisionRecord.Outcome.allCases.map { $0.rawValue.replacingOccurrences(of: "-", with: "_") }
        #expect(Set(samples.family("rotor_requests_total").keys)
            == Set((outcomes + ["internal"]).map { #"rotor_requests_total{outcome="\#($0)"}"# }))
        #expect(Set(samples.family("rotor_attempts_total").keys)
            == Set(outcomes.map { #"rotor_attempts_total{classification="\#($0)"}"# }))
        #expect(Set(samples.family("rotor_token_refreshes_total").keys)
            == Set(["success", "needs_login", "failed"].map { #"rotor_token_refreshes_total{result="\#($0)"}"# }))
        #expect(Set(samples.family("rotor_accounts").keys)
            == Set(["ready", "reserved", "cooling", "needs_login", "disabled"].map { #"rotor_accounts{state="\#($0)"}"# }))
        #expect(samples.values.filter { $0.value != 0 }.isEmpty)
    }

    /// Two proxies in one process count apart.
    @Test func eachProxyHasItsOwnRegistry() throws {
        let (first, second) = (ProxyMetrics(), ProxyMetrics())
        first.requestFailedInternally()
        #expect(try Self.samples(first)[#"rotor_requests_total{outcome="internal"}"#] == 1)
        #expect(try Self.samples(second)[#"rotor_requests_total{outcome="internal"}"#] == 0)
    }

    /// A request that failed over from A (rate limit) to B (success): one request, two attempts, one failover, the
    /// committed stream's bytes, and one observation in each histogram, measured from the request's arrival.
    @Test func countsARequestThatFailedOver() throws {
        let metrics = ProxyMetrics()
        var tally = RequestTally(metrics: metrics, startedAt: Self.start)
        tally.count(Self.row(1, Self.a, .rateLimit), finishesRequest: false, firstByte: .milliseconds(100),
                    now: Self.start.addingTimeInterval(0.1))
        tally.count(Self.row(2, Self.b, .success, at: 0.5, bytes: 1_234), finishesRequest: true,
                    firstByte: .milliseconds(250), now: Self.start.addingTimeInterval(3))
        let samples = try Self.samples(metrics)
        #expect(samples.values.filter { $0.value != 0 } == [
            #"rotor_requests_total{outcome="success"}"#: 1,
            #"rotor_attempts_total{classification="rate_limit"}"#: 1,
            #"rotor_attempts_total{classification="success"}"#: 1,
            "rotor_failovers_total": 1,
            "rotor_relayed_bytes_total": 1_234,
            // 0.5 s to the attempt that served, then 0.25 s to its first event.
            #"rotor_time_to_first_byte_seconds_bucket{le="1.0"}"#: 1,
            #"rotor_time_to_first_byte_seconds_bucket{le="2.5"}"#: 1,
            #"rotor_time_to_first_byte_seconds_bucket{le="5.0"}"#: 1,
            #"rotor_time_to_first_byte_seconds_bucket{le="10.0"}"#: 1,
            #"rotor_time_to_first_byte_seconds_bucket{le="30.0"}"#: 1,
            #"rotor_time_to_first_byte_seconds_bucket{le="60.0"}"#: 1,
            #"rotor_time_to_first_byte_seconds_bucket{le="+Inf"}"#: 1,
            "rotor_time_to_first_byte_seconds_sum": 0.75,
            "rotor_time_to_first_byte_seconds_count": 1,
            #"rotor_request_duration_seconds_bucket{le="5.0"}"#: 1,
            #"rotor_request_duration_seconds_bucket{le="10.0"}"#: 1,
            #"rotor_request_duration_seconds_bucket{le="30.0"}"#: 1,
            #"rotor_request_duration_seconds_bucket{le="60.0"}"#: 1,
            #"rotor_request_duration_seconds_bucket{le="120.0"}"#: 1,
            #"rotor_request_duration_seconds_bucket{le="300.0"}"#: 1,
            #"rotor_request_duration_seconds_bucket{le="600.0"}"#: 1,
            #"rotor_request_duration_seconds_bucket{le="1800.0"}"#: 1,
            #"rotor_request_duration_seconds_bucket{le="+Inf"}"#: 1,
            "rotor_request_duration_seconds_sum": 3,
            "rotor_request_duration_seconds_count": 1,
        ])
    }

    /// A retry on the same account (after a token refresh) is no failover; an answer without an attempt (attempt 0)
    /// counts the request but no attempt, and no time to first byte.
    @Test func countsRetriesAndAnswersWithoutAnAttempt() throws {
        let metrics = ProxyMetrics()
        var refreshed = RequestTally(metrics: metrics, startedAt: Self.start)
        refreshed.count(Self.row(1, Self.a, .unauthorized), finishesRequest: false, firstByte: .zero, now: Self.start)
        refreshed.count(Self.row(2, Self.a, .success, bytes: 10), finishesRequest: true, firstByte: .zero,
                        now: Self.start)
        var dry = RequestTally(metrics: metrics, startedAt: Self.start)
        dry.count(Self.row(0, nil, .poolDry), finishesRequest: true, firstByte: nil, now: Self.start)
        let samples = try Self.samples(metrics)
        #expect(samples["rotor_failovers_total"] == 0)
        #expect(samples[#"rotor_attempts_total{classification="unauthorized"}"#] == 1)
        #expect(samples[#"rotor_attempts_total{classification="pool_dry"}"#] == 0)
        #expect(samples[#"rotor_requests_total{outcome="success"}"#] == 1)
        #expect(samples[#"rotor_requests_total{outcome="pool_dry"}"#] == 1)
        #expect(samples["rotor_request_duration_seconds_count"] == 2)
        #expect(samples["rotor_time_to_first_byte_seconds_count"] == 1)
    }

    /// Token refreshes by result, and the accounts gauge from the pool read at the scrape.
    @Test func countsRefreshesAndShowsThePool() throws {
        let metrics = ProxyMetrics()
        metrics.tokenRefreshed(.refreshed)
        metrics.tokenRefreshed(.refreshed)
        metrics.tokenRefreshed(.needsLogin)
        metrics.tokenRefreshed(.failed)
        var pool = PoolHealth(accounts: [], now: Self.start)
        (pool.ready, pool.reserved, pool.cooling, pool.needsLogin, pool.disabled) = (3, 5, 2, 1, 4)
        let samples = try Self.samples(metrics, pool: pool)
        #expect(samples.family("rotor_token_refreshes_total") == [
            #"rotor_token_refreshes_total{result="success"}"#: 2,
            #"rotor_token_refreshes_total{result="needs_login"}"#: 1,
            #"rotor_token_refreshes_total{result="failed"}"#: 1,
        ])
        #expect(samples.family("rotor_accounts") == [
            #"rotor_accounts{state="ready"}"#: 3, #"rotor_accounts{state="reserved"}"#: 5,
            #"rotor_accounts{state="cooling"}"#: 2, #"rotor_accounts{state="needs_login"}"#: 1,
            #"rotor_accounts{state="disabled"}"#: 4,
        ])
    }
}
