import Foundation
import HTTPTypes
import HummingbirdCore
import Logging
import RotorCore

extension ProxyResponder {
    /// Answers `GET /healthz` from the accounts as routing reads them; 500 `rotor_internal` when they cannot be read.
    func answerHealth(writer: consuming ResponseWriter, headers: HTTPFields, logger: Logger) async throws {
        let now = configuration.time.now()
        guard let pool = readPool(now: now, logger: logger) else {
            try await writer.writeAnswer(.internalFailure, headers: headers)
            return
        }
        let report = HealthReport(pool: pool, uptime: now.timeIntervalSince(startedAt))
        try await writer.writeComplete(status: report.httpStatus, contentType: "application/json", headers: headers,
                                       body: report.body)
    }

    /// Answers `GET /metrics` in Prometheus' text format, the accounts gauge read now; 500 `rotor_internal` when the
    /// accounts cannot be read.
    func answerMetrics(writer: consuming ResponseWriter, headers: HTTPFields, logger: Logger) async throws {
        guard let pool = readPool(now: configuration.time.now(), logger: logger) else {
            try await writer.writeAnswer(.internalFailure, headers: headers)
            return
        }
        try await writer.writeComplete(status: .ok, contentType: ProxyMetrics.contentType, headers: headers,
                                       body: metrics.render(pool: pool))
    }

    /// The accounts this proxy routes to (only the pinned one when it is pinned) by state at `now`, under the routing
    /// policy in force (a pinned account has no reserve); `nil`, logged, when the store cannot be read.
    private func readPool(now: Date, logger: Logger) -> PoolHealth? {
        do {
            let all = try accounts.accounts()
            let inForce = policy.current(accounts: { all }, logger: logger)
            return PoolHealth(accounts: Account.pool(of: all, pinnedTo: configuration.pinnedAccount),
                              policy: configuration.pinnedAccount == nil ? inForce.policy : .default, now: now)
        } catch {
            logger.error("cannot read the accounts", metadata: ["rotor.error": "\(error)"])
            return nil
        }
    }
}
