import Foundation
import RotorCore
import Testing

struct RoutingPolicyTests {
    /// A window `minutes` long, `used` percent used, resetting `seconds` after `testNow`.
    static func window(_ used: Double, minutes: Int, resetsIn seconds: TimeInterval) -> UsageWindow {
        UsageWindow(usedPercent: used, windowMinutes: minutes, resetsAt: testNow.addingTimeInterval(seconds))
    }

    /// Usage with a five-hour and a weekly window, seen at `testNow`.
    static func usage(fiveHours: UsageWindow? = nil, weekly: UsageWindow? = nil) -> UsageSnapshot {
        UsageSnapshot(primary: fiveHours, secondary: weekly, observedAt: testNow)
    }

    static func choose(
        _ policy: RoutingPolicy,
        from accounts: [Account],
        preferred: (account: AccountID, reason: String)? = nil
    ) -> AccountSelection.Choice? {
        AccountSelection(policy: policy).choose(from: accounts, preferred: preferred, now: testNow)
    }

    /// The names a user writes are stable, and the default policy is rotor's order without one.
    @Test func namesAndDefault() {
        #expect(RoutingPolicy.Strategy.allCases.map(\.name) == ["headroom", "reset-first", "drain", "round-robin"])
        #expect(RoutingPolicy.WhenAllReserved.allCases.map(\.name) == ["use-reserve", "wait"])
        #expect(RoutingPolicy.default.strategy == .headroom)
        #expect(!RoutingPolicy.default.hasReserves)
        #expect(RoutingPolicy.default.priority(of: testID(1)) == 1)
        #expect(RoutingPolicy.default.whenAllReserved == .useReserve)
        #expect(AccountSelection() == AccountSelection(strategy: .pool, policy: .default))
    }

    /// A per-account reserve replaces the global one for that window; none is 0.
    @Test func reservePerWindowAndAccount() {
        let policy = RoutingPolicy(reserves: [.weekly: 30], accountReserves: [testID(2): [.weekly: 10]])
        #expect(policy.reserve(of: testID(1), in: .weekly) == 30)
        #expect(policy.reserve(of: testID(2), in: .weekly) == 10)
        #expect(policy.reserve(of: testID(2), in: .fiveHours) == 0)
        #expect(policy.reserve(of: testID(1), in: .fiveHours) == 0)
    }

    /// `reset-first`: the earliest reset of each account's binding window wins over more headroom.
    @Test func resetFirstPrefersEarliestBindingReset() {
        let policy = RoutingPolicy(strategy: .resetFirst)
        let accounts = [
            testAccount(1, usage: Self.usage(fiveHours: Self.window(10, minutes: 300, resetsIn: 7_200),
                                             weekly: Self.window(20, minutes: 10_080, resetsIn: 3 * 86_400))),
            testAccount(2, usage: Self.usage(fiveHours: Self.window(0, minutes: 300, resetsIn: 18_000),
                                             weekly: Self.window(50, minutes: 10_080, resetsIn: 50_400))),
        ]
        #expect(Self.choose(policy, from: accounts)
            == AccountSelection.Choice(account: testID(2), reason: "reset-first: weekly resets 2026-01-01T14:00:00Z"))
        #expect(Self.choose(.default, from: accounts)
            == AccountSelection.Choice(account: testID(1), reason: "most headroom 80%"))
    }

    /// `reset-first`: the binding window is the one with the least left above its reserve, so a reserve moves it.
    @Test func resetFirstBindingWindowCountsTheReserve() {
        let accounts = [
            testAccount(3, usage: Self.usage(fiveHours: Self.window(60, minutes: 300, resetsIn: 3_600),
                                             weekly: Self.window(30, minutes: 10_080, resetsIn: 5 * 86_400))),
            testAccount(4, usage: Self.usage(weekly: Self.window(0, minutes: 10_080, resetsIn: 2 * 86_400))),
        ]
        #expect(Self.choose(RoutingPolicy(strategy: .resetFirst), from: accounts)
            == AccountSelection.Choice(account: testID(3), reason: "reset-first: 5h resets 2026-01-01T01:00:00Z"))
        #expect(Self.choose(RoutingPolicy(strategy: .resetFirst, reserves: [.weekly: 40]), from: accounts)
            == AccountSelection.Choice(account: testID(4), reason: "reset-first: weekly resets 2026-01-03T00:00:00Z"))
    }

    /// `drain`: the account that served last stays while it is above its reserve; then the most headroom.
    @Test func drainKeepsLastServedUntilItsReserve() {
        let accounts = [
            testAccount(1, lastUsedAt: testNow.addingTimeInterval(-10),
                        usage: Self.usage(fiveHours: Self.window(70, minutes: 300, resetsIn: 3_600))),
            testAccount(2, lastUsedAt: testNow.addingTimeInterval(-100),
                        usage: Self.usage(fiveHours: Self.window(10, minutes: 300, resetsIn: 3_600))),
            testAccount(3, usage: Self.usage(fiveHours: Self.window(50, minutes: 300, resetsIn: 3_600))),
        ]
        #expect(Self.choose(RoutingPolicy(strategy: .drain), from: accounts)
            == AccountSelection.Choice(account: testID(1), reason: "drain: served last"))
        #expect(Self.choose(RoutingPolicy(strategy: .drain, reserves: [.fiveHours: 30]), from: accounts)
            == AccountSelection.Choice(account: testID(2), reason: "most headroom 90%"))
        var cooling = accounts
        cooling[0].cooldown = Cooldown(until: testNow.addingTimeInterval(60), reason: .rateLimit)
        #expect(Self.choose(RoutingPolicy(strategy: .drain), from: cooling)
            == AccountSelection.Choice(account: testID(2), reason: "most headroom 90%"))
    }

    /// `round-robin`: the least recently used, never-used first, whatever the headroom.
    @Test func roundRobinPrefersLeastRecentlyUsed() {
        let policy = RoutingPolicy(strategy: .roundRobin)
        let accounts = [
            testAccount(1, lastUsedAt: testNow.addingTimeInterval(-10),
                        usage: Self.usage(fiveHours: Self.window(10, minutes: 300, resetsIn: 3_600))),
            testAccount(2, lastUsedAt: testNow.addingTimeInterval(-100),
                        usage: Self.usage(fiveHours: Self.window(80, minutes: 300, resetsIn: 3_600))),
        ]
        #expect(Self.choose(policy, from: accounts)
            == AccountSelection.Choice(account: testID(2), reason: "round-robin: least recently used"))
        #expect(Self.choose(policy, from: accounts + [testAccount(3, usage: Self.usage(
            fiveHours: Self.window(95, minutes: 300, resetsIn: 3_600)))])
            == AccountSelection.Choice(account: testID(3), reason: "round-robin: least recently used (never used)"))
    }

    /// Priority comes before every strategy: a lower number is used first, every account defaults to 1.
    @Test func priorityBeforeStrategy() {
        let accounts = [
            testAccount(1),
            testAccount(2, lastUsedAt: testNow.addingTimeInterval(-10),
                        usage: Self.usage(fiveHours: Self.window(90, minutes: 300, resetsIn: 3_600))),
        ]
        for strategy in RoutingPolicy.Strategy.allCases {
            let policy = RoutingPolicy(strategy: strategy, priorities: [testID(1): 2])
            #expect(Self.choose(policy, from: accounts)
                == AccountSelection.Choice(account: testID(2), reason: "priority 1"))
        }
        let three = accounts + [testAccount(3, usage: Self.usage(
            fiveHours: Self.window(50, minutes: 300, resetsIn: 3_600)))]
        #expect(Self.choose(RoutingPolicy(priorities: [testID(1): 2]), from: three)
            == AccountSelection.Choice(account: testID(3), reason: "most headroom 50%"))
    }

    /// An account at or below its reserve in any window is skipped, with the reason the decision log prints; a
    /// reserve of 0 keeps nothing.
    @Test func reservedAccountIsSkipped() {
        let reset = testNow.addingTimeInterval(2 * 86_400)
        let policy = RoutingPolicy(reserves: [.weekly: 30], accountReserves: [testID(2): [.weekly: 10]])
        let accounts = [
            testAccount(1, usage: Self.usage(weekly: UsageWindow(usedPercent: 71, windowMinutes: 10_080,
                                                                 resetsAt: reset))),
            testAccount(2, usage: Self.usage(weekly: Self.window(75, minutes: 10_080, resetsIn: 86_400))),
        ]
        let reservations = policy.reservations(of: accounts[0], at: testNow)
        #expect(reservations == [Reservation(window: .weekly, usedPercent: 71, reserve: 30, resetsAt: reset)])
        #expect(reservations.map(\.description) == ["reserved (weekly 71% used, keeps 30%)"])
        #expect(policy.reservations(of: accounts[1], at: testNow).isEmpty)
        #expect(Self.choose(policy, from: accounts)
            == AccountSelection.Choice(account: testID(2), reason: "only account above its reserve"))
        #expect(Self.choose(.default, from: accounts)
            == AccountSelection.Choice(account: testID(1), reason: "most headroom 29%"))

        let atReserve = testAccount(3, usage: Self.usage(weekly: Self.window(70, minutes: 10_080, resetsIn: 60)))
        #expect(policy.reservations(of: atReserve, at: testNow).map(\.description)
            == ["reserved (weekly 70% used, keeps 30%)"])
        #expect(policy.reservations(of: atReserve, at: testNow.addingTimeInterval(60)).isEmpty)
        let noReserve = RoutingPolicy(reserves: [.weekly: 0])
        let nearlyOut = testAccount(4, usage: Self.usage(weekly: Self.window(99, minutes: 10_080, resetsIn: 60)))
        #expect(noReserve.reservations(of: nearlyOut, at: testNow).isEmpty)
        #expect(Self.choose(noReserve, from: [nearlyOut])?.account == testID(4))
    }

    /// An exhausted account (a used-up window, or a usage-limit cooldown) is out, never reserved, and has no
    /// reserve end: spending reserves does not bring it back.
    @Test func exhaustedIsOutNotReserved() {
        let policy = RoutingPolicy(reserves: [.weekly: 30], whenAllReserved: .useReserve)
        let usedUp = testAccount(1, usage: Self.usage(weekly: Self.window(100, minutes: 10_080, resetsIn: 86_400)))
        let limited = testAccount(2, cooldown: Cooldown(until: testNow.addingTimeInterval(3_600), reason: .usageLimit),
                                  usage: Self.usage(weekly: Self.window(80, minutes: 10_080, resetsIn: 86_400)))
        #expect(policy.reservations(of: usedUp, at: testNow).isEmpty)
        #expect(usedUp.state(at: testNow) == .cooling(until: testNow.addingTimeInterval(86_400), reason: .usageLimit))
        #expect(Self.choose(policy, from: [usedUp, limited]) == nil)
        #expect(policy.earliestReserveEnd(of: [usedUp, limited], at: testNow) == nil)
    }

    /// When every usable account is reserved: `wait` chooses none and the dry answer's reset is the earliest at which
    /// some account leaves its reserve; `use-reserve` spends the reserves by the strategy.
    @Test func allReservedWaitsOrSpends() {
        let accounts = [
            testAccount(1, usage: Self.usage(weekly: Self.window(80, minutes: 10_080, resetsIn: 2 * 86_400))),
            testAccount(2, usage: Self.usage(fiveHours: Self.window(75, minutes: 300, resetsIn: 7_200),
                                             weekly: Self.window(90, minutes: 10_080, resetsIn: 86_400))),
            testAccount(3, status: .disabled(reason: "user"),
                        usage: Self.usage(weekly: Self.window(90, minutes: 10_080, resetsIn: 60))),
        ]
        let wait = RoutingPolicy(reserves: [.weekly: 30, .fiveHours: 25], whenAllReserved: .wait)
        #expect(Self.choose(wait, from: accounts) == nil)
        #expect(wait.reserveEnds(for: accounts[1], at: testNow) == testNow.addingTimeInterval(86_400))
        #expect(wait.earliestReserveEnd(of: accounts, at: testNow) == testNow.addingTimeInterval(86_400))

        var spend = wait
        spend.whenAllReserved = .useReserve
        #expect(Self.choose(spend, from: accounts) == AccountSelection.Choice(
            account: testID(1), reason: "every usable account reserved, spending reserves; most headroom 20%",
            spendsReserves: true))
        spend.strategy = .resetFirst
        #expect(Self.choose(spend, from: accounts) == AccountSelection.Choice(
            account: testID(2),
            reason: "every usable account reserved, spending reserves; "
                + "reset-first: weekly resets 2026-01-02T00:00:00Z",
            spendsReserves: true))
    }

    /// Affinity holds unless the bound account is at its reserve; while reserves are spent it holds again.
    @Test func affinityBrokenByReserve() {
        let accounts = [
            testAccount(1, usage: Self.usage(weekly: Self.window(75, minutes: 10_080, resetsIn: 86_400))),
            testAccount(2, usage: Self.usage(weekly: Self.window(40, minutes: 10_080, resetsIn: 86_400))),
            testAccount(3, usage: Self.usage(weekly: Self.window(20, minutes: 10_080, resetsIn: 86_400))),
        ]
        let bound: (account: AccountID, reason: String) = (testID(1), "bound to conversation")
        #expect(Self.choose(.default, from: accounts, preferred: bound)
            == AccountSelection.Choice(account: testID(1), reason: "bound to conversation"))
        let policy = RoutingPolicy(reserves: [.weekly: 30], whenAllReserved: .useReserve)
        #expect(Self.choose(policy, from: accounts, preferred: bound)
            == AccountSelection.Choice(account: testID(3), reason: "most headroom 80%"))
        #expect(Self.choose(policy, from: [accounts[0]], preferred: bound) == AccountSelection.Choice(
            account: testID(1), reason: "bound to conversation; every usable account reserved, spending reserves",
            spendsReserves: true))
    }
}
