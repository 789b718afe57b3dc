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
    /// Whether the store holds less than that (by a minute or more), so the span starts at its oldest record instead.
    var isClipped: Bool
    /// Whether the span was clipped to the oldest served request: the decision log keeps less than the usage
    /// history (``AccountStore/DecisionRetention``: 14 days, 20,000 decisions).
    var isClippedToDecisionLog = false

    /// The span's length in days.
    var days: Double { simulation.end.timeIntervalSince(simulation.start) / 86_400 }

    /// The last `days` days before `now`, or from the oldest served request when the store holds less (the usage
    /// history may reach further back than the decision log, but only requests replay); from the oldest usage
    /// entry when no request was served; `nil` when the store holds neither. A span that starts less than a minute
    /// after the days asked is not clipped. The cost of a request is estimated from all the history the store
    /// keeps (30 days), not only the span.
    static func read(from store: AccountStore, days: Int, now: Date) throws -> RecordedTraffic? {
        let kept = now.addingTimeInterval(-AccountStore.usageHistoryRetention)
        let usage = try store.usageHistory(since: kept)
        let requests = try store.servedRequests(since: kept)
        guard let oldest = requests.first?.time ?? usage.first?.usage.observedAt else { return nil }
        let asked = now.addingTimeInterval(-Double(days) * 86_400)
        let start = max(asked, oldest)
        let accounts = try store.accounts().filter {
            if case .disabled = $0.status { return false }
            return true
        }
        let simulation = PolicySimulation(replaying: requests, usage: usage, accounts: accounts, from: start, to: now)
        let isClipped = start.timeIntervalSince(asked) >= 60
        return RecordedTraffic(
            simulation: simulation, requestedDays: days, isClipped: isClipped,
            isClippedToDecisionLog: isClipped && !requests.isEmpty
                && usage.first.map { $0.usage.observedAt < start } ?? false)
    }
}
