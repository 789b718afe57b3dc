import Foundation
import RotorCore
import Testing

struct PolicySimulationTests {
    static func minutes(_ count: Double) -> Date { testNow.addingTimeInterval(count * 60) }

    static func account(_ n: Int, used: Double = 0, resets: [Double], cost: Double) -> PolicySimulation.SimulatedAccount {
        PolicySimulation.SimulatedAccount(
            id: testID(n), label: "acct\(n)", plan: "plus",
            windows: [.init(name: .fiveHours, usedPercent: used, resets: resets.map(minutes), costPerRequest: cost)])
    }

    /// Two accounts, one 5h window, 40 % a request; acct1 resets at 60m (then every 5 h), acct2 at 300m (after
    /// the end, 120m). Requests at 1–7m and 61m.
    ///
    /// headroom: r1 tie, never used, smaller id → acct1 40 · r2 acct2 (60 left > 60? no: 100 > 60) 40 · r3 tie 60/60,
    /// least recently used acct1 80 · r4 acct2 80 · r5 tie 20/20, acct1 100 (exhausted at 5m) · r6 acct2 100
    /// (exhausted at 6m): dry from 6m · r7 dry · 60m acct1 resets (unused 100 − 100 = 0), dry 6m→60m = 54 min ·
    /// r8 acct1 40. Served 7 (acct1 r1 r3 r5 r8, acct2 r2 r4 r6), switches after r2…r6 and r8 = 6, 6 served before r7.
    ///
    /// drain: r1 acct1 40 · r2, r3 acct1 (served last) 80, 100 (exhausted at 3m) · r4–r6 acct2 40, 80, 100
    /// (exhausted at 6m) · r7 dry · 60m acct1 resets, unused 0 · r8 acct1. Switches: r4, r8 = 2.
    @Test func theStrategyDecidesWhoServesAndWhenThePoolRunsDry() {
        let simulation = PolicySimulation(
            accounts: [Self.account(1, resets: [60], cost: 40), Self.account(2, resets: [300], cost: 40)],
            requests: [1, 2, 3, 4, 5, 6, 7, 61].map(Self.minutes), start: testNow, end: Self.minutes(120))

        let headroom = simulation.run(policy: .default)
        #expect(headroom.accounts.map(\.requests) == [4, 3])
        #expect(headroom.accounts.map(\.firstExhaustedAt) == [Self.minutes(5), Self.minutes(6)])
        #expect(headroom.accounts.map(\.unusedAtResets) == [[.fiveHours: 0], [:]])
        #expect(headroom.served == 7)
        #expect(headroom.dry == 1)
        #expect(headroom.switches == 6)
        #expect(headroom.dryMinutes == 54)
        #expect(headroom.servedBeforeFirstDry == 6)
        #expect(headroom.firstDryRequestAt == Self.minutes(7))

        let drain = simulation.run(policy: RoutingPolicy(strategy: .drain))
        #expect(drain.accounts.map(\.requests) == [4, 3])
        #expect(drain.accounts.map(\.firstExhaustedAt) == [Self.minutes(3), Self.minutes(6)])
        #expect(drain.switches == 2)
        #expect(drain.dryMinutes == 54)
        #expect(drain.servedBeforeFirstDry == 6)
    }

    /// Both accounts at 50 % of their 5h window, 10 % a request, requests at 10m and 20m, end at 250m; acct1 resets
    /// at 30m, acct2 at 400m (after the end).
    ///
    /// headroom: r1 tie, smaller id → acct1 60 · r2 acct2 (50 left > 40) 60 · 30m acct1 resets with 100 − 60 = 40
    /// unused; acct1's next reset 330m is after the end. Unused 40.
    /// reset-first: r1 and r2 acct1 (resets first) 60, 70 · 30m acct1 resets with 30 unused. Unused 30: 10 less.
    @Test func resetFirstSpendsWhatWouldBeLost() {
        let simulation = PolicySimulation(
            accounts: [Self.account(1, used: 50, resets: [30], cost: 10), Self.account(2, used: 50, resets: [400], cost: 10)],
            requests: [Self.minutes(10), Self.minutes(20)], start: testNow, end: Self.minutes(250))

        let headroom = simulation.run(policy: .default)
        #expect(headroom.accounts.map(\.requests) == [1, 1])
        #expect(headroom.unusedAtResets == [.fiveHours: 40])

        let resetFirst = simulation.run(policy: RoutingPolicy(strategy: .resetFirst))
        #expect(resetFirst.accounts.map(\.requests) == [2, 0])
        #expect(resetFirst.unusedAtResets == [.fiveHours: 30])
        #expect(resetFirst.switches == 0)
    }

    /// One account, 30 % a request, a 50 % reserve of its 5h window, reset at 10m, end at 20m; requests at 1, 2, 3m.
    ///
    /// wait: r1 30 · r2 60 (40 left ≤ 50: reserved, and the pool is dry from 2m) · r3 dry · 10m reset, unused 40,
    /// dry 2m→10m = 8 min.
    /// use-reserve: r3 served, 90 · 10m reset, unused 10 · never dry.
    @Test func aReserveUnderWaitCountsAsDry() {
        let simulation = PolicySimulation(
            accounts: [Self.account(1, resets: [10], cost: 30)], requests: [1, 2, 3].map(Self.minutes),
            start: testNow, end: Self.minutes(20))

        let waiting = simulation.run(policy: RoutingPolicy(reserves: [.fiveHours: 50], whenAllReserved: .wait))
        #expect(waiting.served == 2)
        #expect(waiting.dry == 1)
        #expect(waiting.dryMinutes == 8)
        #expect(waiting.servedBeforeFirstDry == 2)
        #expect(waiting.unusedAtResets == [.fiveHours: 40])
        #expect(waiting.accounts[0].firstExhaustedAt == nil)

        let spending = simulation.run(policy: RoutingPolicy(reserves: [.fiveHours: 50]))
        #expect(spending.served == 3)
        #expect(spending.dryMinutes == 0)
        #expect(spending.unusedAtResets == [.fiveHours: 10])
    }

    /// Without a recorded reset a window resets every window length from the start: a 60-minute window over
    /// 150 minutes resets at 60m and 120m. One request at 1m costs 25 %: unused 75 + 100 = 175.
    @Test func windowsWithoutARecordedResetStartOverEveryLength() {
        let account = PolicySimulation.SimulatedAccount(
            id: testID(1), label: "acct1", plan: nil,
            windows: [.init(name: UsageWindowName(minutes: 60), usedPercent: 0, resets: [], costPerRequest: 25)])
        let outcome = PolicySimulation(accounts: [account], requests: [Self.minutes(1)], start: testNow,
                                       end: Self.minutes(150)).run(policy: .default)
        #expect(outcome.unusedAtResets == [UsageWindowName(minutes: 60): 175])
    }

    /// A window never goes longer than its length without resetting: a 300-minute window with recorded resets at
    /// 60m and 600m resets at 60m, 60 + 300 = 360m (before 600m) and 600m; the next, 600 + 300 = 900m, is after
    /// the end (700m). No request: each reset leaves 100 unused, 3 · 100 = 300.
    @Test func aWindowResetsAtLeastEveryLengthBetweenRecordedResets() {
        let outcome = PolicySimulation(accounts: [Self.account(1, resets: [60, 600], cost: 10)], requests: [],
                                       start: testNow, end: Self.minutes(700)).run(policy: .default)
        #expect(outcome.unusedAtResets == [.fiveHours: 300])
    }

    /// Resets given twice, less than a minute apart, are one: a 300-minute window with resets at 60m and 60m + 1 s
    /// resets once before the end (100m), at 60m; the next, 60 + 300 = 360m, is after it. No request: unused 100.
    @Test func resetsLessThanAMinuteApartAreOne() {
        let account = PolicySimulation.SimulatedAccount(
            id: testID(1), label: "acct1", plan: "plus",
            windows: [.init(name: .fiveHours, usedPercent: 0, resets: [Self.minutes(60), Self.minutes(60).addingTimeInterval(1)],
                            costPerRequest: 10)])
        let outcome = PolicySimulation(accounts: [account], requests: [], start: testNow, end: Self.minutes(100))
            .run(policy: .default)
        #expect(outcome.unusedAtResets == [.fiveHours: 100])
    }

    /// A recorded reset less than a minute after one a window length brought is that reset: a 300-minute window
    /// with recorded resets at 60m and 360m + 30 s resets at 60m and 60 + 300 = 360m, once; the next, 660m, is
    /// after the end (400m). No request: 2 · 100 = 200 unused.
    @Test func aRecordedResetSecondsAfterTheLengthIsTheSameReset() {
        let account = PolicySimulation.SimulatedAccount(
            id: testID(1), label: "acct1", plan: "plus",
            windows: [.init(name: .fiveHours, usedPercent: 0,
                            resets: [Self.minutes(60), Self.minutes(360).addingTimeInterval(30)], costPerRequest: 10)])
        let outcome = PolicySimulation(accounts: [account], requests: [], start: testNow, end: Self.minutes(400))
            .run(policy: .default)
        #expect(outcome.unusedAtResets == [.fiveHours: 200])
    }
}
