import Foundation
import RotorCore
import Testing

struct PolicySimulationRecordedTests {
    static func minutes(_ count: Double) -> Date { testNow.addingTimeInterval(count * 60) }

    static func entry(_ n: Int, plan: String?, at minute: Double, used: Double, resetAt reset: Double)
        -> UsageHistoryEntry
    {
        UsageHistoryEntry(
            accountID: testID(n),
            usage: UsageSnapshot(
                primary: UsageWindow(usedPercent: used, windowMinutes: 300, resetsAt: minutes(reset)),
                observedAt: minutes(minute)),
            plan: plan)
    }

    static func served(_ n: Int, at minutes: [Double]) -> [ServedRequest] {
        minutes.map { ServedRequest(time: Self.minutes($0), account: testID(n)) }
    }

    /// acct1 (plus): 10 % at 0m, 16 % at 10m (same reset, 300m), 4 % at 20m after a new reset (600m).
    /// Requests served by acct1 at 2, 5, 9m (between the first two entries) and 12, 15m (before the reset, left
    /// out). acct2 (pro): 0 % at 0m, 1 % at 10m, 2 requests between.
    /// plus 5h: (16 − 10) / 3 = 2 · pro 5h: (1 − 0) / 2 = 0.5 · a third plan has no estimate: the mean,
    /// (2 + 0.5) / 2 = 1.25; the ratio pro / plus is 0.25.
    static let history = [
        entry(1, plan: "plus", at: 0, used: 10, resetAt: 300), entry(1, plan: "plus", at: 10, used: 16, resetAt: 300),
        entry(1, plan: "plus", at: 20, used: 4, resetAt: 600),
        entry(2, plan: "pro", at: 0, used: 0, resetAt: 280), entry(2, plan: "pro", at: 10, used: 1, resetAt: 280),
    ]
    static let requests = served(1, at: [2, 5, 9, 12, 15]) + served(2, at: [3, 4]) + served(3, at: [8])

    @Test func costPerRequestFromConsecutiveSnapshots() {
        let costs = PolicySimulation.RequestCosts.estimate(usage: Self.history, requests: Self.requests)
        #expect(costs.perPlan == ["plus": [.fiveHours: 2], "pro": [.fiveHours: 0.5]])
        #expect(costs.cost(plan: "team", window: .fiveHours) == 1.25)
        #expect(costs.cost(plan: "plus", window: .weekly) == 0)
    }

    /// A request at an entry's instant belongs to the interval that ends there: entries at 0m (10 %), 10m (16 %),
    /// 20m (19 %), one reset; requests at 0m (before any interval, left out), 10m and 20m. (16 − 10) + (19 − 16) = 9
    /// over 1 + 1 requests: 4.5.
    @Test func aRequestAtAnEntryCountsBeforeIt() {
        let usage = [(0.0, 10.0), (10, 16), (20, 19)].map { Self.entry(1, plan: "plus", at: $0, used: $1, resetAt: 300) }
        let costs = PolicySimulation.RequestCosts.estimate(usage: usage, requests: Self.served(1, at: [0, 10, 20]))
        #expect(costs.perPlan == ["plus": [.fiveHours: 4.5]])
    }

    /// Replaying from 5m: acct1 starts as its entry at 0m shows it (10 %), with its recorded resets after 5m (300m,
    /// 600m); acct2 starts at 0 % with its reset 280m; acct3, without history, starts unused with no recorded reset
    /// and the mean cost. The requests from 5m on (5, 8, 9, 12, 15m) are replayed.
    @Test func replayStartsFromTheHistoryAtTheStart() {
        let accounts = (1...3).map { testAccount($0) }
        var third = accounts[2]
        third.plan = "team"
        let simulation = PolicySimulation(
            replaying: Self.requests, usage: Self.history, accounts: [accounts[0], accounts[1], third],
            from: Self.minutes(5), to: Self.minutes(60))
        #expect(simulation.accounts.map(\.windows) == [
            [.init(name: .fiveHours, usedPercent: 10, resets: [Self.minutes(300), Self.minutes(600)], costPerRequest: 2)],
            [.init(name: .fiveHours, usedPercent: 0, resets: [Self.minutes(280)], costPerRequest: 0.5)],
            [.init(name: .fiveHours, usedPercent: 0, resets: [], costPerRequest: 1.25)],
        ])
        #expect(simulation.accounts.map(\.plan) == ["plus", "pro", "team"])
        #expect(simulation.requests == [5, 8, 9, 12, 15].map(Self.minutes))
    }

    /// An account whose history shows only a weekly window (a plan without a 5h one) is simulated with that window
    /// alone, not with the 5h window another account's history shows; an account without history gets both.
    @Test func anAccountKeepsTheWindowsItsHistoryShows() {
        let weeklyOnly = UsageHistoryEntry(
            accountID: testID(1),
            usage: UsageSnapshot(primary: UsageWindow(usedPercent: 30, windowMinutes: 10_080, resetsAt: Self.minutes(900)),
                                 observedAt: Self.minutes(0)),
            plan: "team")
        let simulation = PolicySimulation(
            replaying: [], usage: [weeklyOnly, Self.history[3]], accounts: (1...3).map { testAccount($0) },
            from: Self.minutes(5), to: Self.minutes(60))
        #expect(simulation.accounts.map { $0.windows.map(\.name) } == [[.weekly], [.fiveHours], [.fiveHours, .weekly]])
    }

    /// A window whose last recorded reset is before the start keeps that reset's grid: acct1's 5h window was seen
    /// at −200m reporting a reset at −100m (so it starts at 0 %), and resets next at −100 + 300 = 200m, not at
    /// start + 300 = 300m. Replaying 0m–250m without requests: one reset, 100 unused.
    @Test func aWindowResetBeforeTheStartContinuesItsGrid() {
        let simulation = PolicySimulation(
            replaying: [], usage: [Self.entry(1, plan: "plus", at: -200, used: 50, resetAt: -100)],
            accounts: [testAccount(1)], from: Self.minutes(0), to: Self.minutes(250))
        #expect(simulation.run(policy: .default).unusedAtResets == [.fiveHours: 100])
    }
}
