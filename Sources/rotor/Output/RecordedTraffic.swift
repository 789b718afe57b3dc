import Foundation
import RotorCore
import RotorStore

/// What `rotor policy simulate` replays: the requests accounts served over the last days and the usage history
/// that prices them, read from the store.
struct RecordedTraffic {
    /// The replay of the span, over the accounts that are not disabled.
    var simulation: PolicySimulation
    /// The days asked for.
    var requestedDays: Int
    /// Whether the history holds less than that, so the span starts at its oldest record instead.
    var isClipped: Bool

    /// The span's length in days.
    var days: Double { simulation.end.timeIntervalSince(simulation.start) / 86_400 }

    /// The last `days` days before `now`, or from the oldest served request or usage entry when the store holds
    /// less; `nil` when it holds neither. The cost of a request is estimated from all the history the store keeps
    /// (30 days), not only the span.
    static func read(from store: AccountStore, days: Int, now: Date) throws -> RecordedTraffic? {
        let kept = now.addingTimeInterval(-AccountStore.usageHistoryRetention)
        let usage = try store.usageHistory(since: kept)
        let requests = try store.servedRequests(since: kept)
        let oldest = [usage.first?.usage.observedAt, requests.first?.time].compactMap { $0 }.min()
        guard let oldest else { return nil }
        let asked = now.addingTimeInterval(-Double(days) * 86_400)
        let start = max(asked, oldest)
        let accounts = try store.accounts().filter {
            if case .disabled = $0.status { return false }
            return true
        }
        let simulation = PolicySimulation(replaying: requests, usage: usage, accounts: accounts, from: start, to: now)
        return RecordedTraffic(simulation: simulation, requestedDays: days, isClipped: start > asked)
    }
}
