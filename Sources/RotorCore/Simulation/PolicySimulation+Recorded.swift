#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

extension PolicySimulation {
    /// What one request costs of each window, per plan, as estimated from recorded usage.
    public struct RequestCosts: Sendable, Hashable {
        /// Percent of the window per request, by plan (`nil`: plan unknown) and window.
        public var perPlan: [String?: [UsageWindowName: Double]]

        /// Creates costs.
        public init(perPlan: [String?: [UsageWindowName: Double]]) {
            self.perPlan = perPlan
        }

        /// The cost of one request of `window` on an account of `plan`: the plan's own estimate; else, as no ratio
        /// between this plan and another was observed, the mean of the other plans' estimates; else 0.
        public func cost(plan: String?, window: UsageWindowName) -> Double {
            if let own = perPlan[plan]?[window] { return own }
            let others = perPlan.values.compactMap { $0[window] }
            return others.isEmpty ? 0 : others.reduce(0, +) / Double(others.count)
        }

        /// Estimates from consecutive history entries of each account: the rise of a window's used percentage
        /// between two entries of the same window (same reset) over the requests the account served in between
        /// (after the first entry, up to the second), pooled per plan (the later entry's plan) and window. A
        /// window that fell or started over between the two, or an interval without a served request, tells
        /// nothing and is left out.
        public static func estimate(usage: [UsageHistoryEntry], requests: [ServedRequest]) -> RequestCosts {
            let served = Dictionary(grouping: requests, by: \.account).mapValues { $0.map(\.time).sorted() }
            var rise: [String?: [UsageWindowName: Double]] = [:]
            var count: [String?: [UsageWindowName: Int]] = [:]
            for (account, entries) in Dictionary(grouping: usage, by: \.accountID) {
                let entries = entries.sorted { $0.usage.observedAt < $1.usage.observedAt }
                let times = served[account] ?? []
                // One pass over both sorted lists: `notAfter` counts the requests at or before the current entry.
                var notAfter = 0
                if let first = entries.first {
                    while notAfter < times.count, times[notAfter] <= first.usage.observedAt { notAfter += 1 }
                }
                for (earlier, later) in zip(entries, entries.dropFirst()) {
                    let before = notAfter
                    while notAfter < times.count, times[notAfter] <= later.usage.observedAt { notAfter += 1 }
                    let requests = notAfter - before
                    guard requests > 0 else { continue }
                    for window in [later.usage.primary, later.usage.secondary].compactMap({ $0 }) {
                        guard let name = window.name, let before = earlier.usage.window(named: name),
                              Self.isSameInstance(before, window), window.usedPercent >= before.usedPercent
                        else { continue }
                        rise[later.plan, default: [:]][name, default: 0] += window.usedPercent - before.usedPercent
                        count[later.plan, default: [:]][name, default: 0] += requests
                    }
                }
            }
            var perPlan: [String?: [UsageWindowName: Double]] = [:]
            for (plan, windows) in rise {
                for (name, total) in windows {
                    guard let requests = count[plan]?[name], requests > 0 else { continue }
                    perPlan[plan, default: [:]][name] = total / Double(requests)
                }
            }
            return RequestCosts(perPlan: perPlan)
        }

        /// Whether two readings are of one window between the same resets: both report the same reset (within
        /// ``UsageWindow/sameResetTolerance``), or neither reports one.
        private static func isSameInstance(_ earlier: UsageWindow, _ later: UsageWindow) -> Bool {
            switch (earlier.resetsAt, later.resetsAt) {
            case (nil, nil): true
            case (let a?, let b?): abs(a.timeIntervalSince(b)) < UsageWindow.sameResetTolerance
            default: false
            }
        }
    }

    /// A simulation that replays the served requests between `start` and `end` against `accounts`.
    ///
    /// Each account has the windows its own history shows (an account without history, every window the history
    /// names, unused) and starts as its latest history entry at or before `start` shows it (else its first entry,
    /// taken as the state at the start); a window that reset before `start` starts at 0 %. Its windows reset at
    /// the resets the history recorded for them after `start`, and every window length from the last recorded one
    /// (at or before `start` too) when no recorded one comes sooner. A request costs what
    /// ``RequestCosts/estimate(usage:requests:)`` finds for the account's plan (its stored plan, else the latest
    /// one its history recorded).
    public init(
        replaying requests: [ServedRequest],
        usage: [UsageHistoryEntry],
        accounts: [Account],
        from start: Date,
        to end: Date
    ) {
        let costs = RequestCosts.estimate(usage: usage, requests: requests)
        let history = Dictionary(grouping: usage, by: \.accountID)
            .mapValues { $0.sorted { $0.usage.observedAt < $1.usage.observedAt } }
        var names = Set<UsageWindowName>()
        for entry in usage {
            for window in [entry.usage.primary, entry.usage.secondary] { if let name = window?.name { names.insert(name) } }
        }
        let simulated = accounts.map { account in
            let entries = history[account.id] ?? []
            let plan = account.plan ?? entries.last?.plan
            let base = entries.last { $0.usage.observedAt <= start } ?? entries.first
            let own = Set(entries.flatMap { [$0.usage.primary?.name, $0.usage.secondary?.name].compactMap { $0 } })
            let windows = (own.isEmpty ? names : own).sorted().map { name in
                var used = 0.0
                if let base, let window = base.usage.window(named: name),
                   window.reset(observedAt: base.usage.observedAt).map({ $0 > start }) ?? true {
                    used = window.usedPercent
                }
                let resets = Self.recordedResets(of: name, in: entries, after: start)
                return Window(name: name, usedPercent: used, resets: resets,
                              costPerRequest: costs.cost(plan: plan, window: name))
            }
            return SimulatedAccount(id: account.id, label: account.label, plan: plan, windows: windows)
        }
        self.init(accounts: simulated,
                  requests: requests.map(\.time).filter { $0 >= start && $0 <= end }, start: start, end: end)
    }

    /// The distinct resets `entries` reported for the window `name` after `start`, ascending, after the latest one
    /// at or before `start` when there is one (resets less than ``UsageWindow/sameResetTolerance`` apart are one).
    private static func recordedResets(of name: UsageWindowName, in entries: [UsageHistoryEntry], after start: Date)
        -> [Date]
    {
        let all = entries.compactMap { $0.usage.window(named: name)?.resetsAt }.sorted()
        return Window.distinct((all.last { $0 <= start }.map { [$0] } ?? []) + all.filter { $0 > start })
    }
}
