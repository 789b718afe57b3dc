import Foundation
import RotorCore
import RotorTestSupport
import Testing

struct AccountSelectionTests {
    static let selection = AccountSelection()

    /// The preferred (conversation's) account wins while it is usable.
    @Test func prefersBoundAccount() {
        let accounts = [testAccount(1), testAccount(2)]
        let choice = Self.selection.choose(from: accounts, preferred: (testID(2), "bound to conversation"),
                                           now: testNow)
        #expect(choice == AccountSelection.Choice(account: testID(2), reason: "bound to conversation"))
    }

    /// Most headroom (min over windows of 100 − used %) beats recency; raw percentages are compared.
    @Test func prefersMostHeadroom() {
        let busy = UsageSnapshot(primary: UsageWindow(usedPercent: 10), secondary: UsageWindow(usedPercent: 60),
                                 observedAt: testNow)
        let light = UsageSnapshot(primary: UsageWindow(usedPercent: 27), observedAt: testNow)
        let accounts = [
            testAccount(1, usage: busy),
            testAccount(2, lastUsedAt: testNow, usage: light),
            testAccount(3, usage: UsageSnapshot(primary: UsageWindow(usedPercent: 99.6), observedAt: testNow)),
        ]
        let choice = Self.selection.choose(from: accounts, now: testNow)
        #expect(choice == AccountSelection.Choice(account: testID(2), reason: "most headroom 73%"))
    }

    /// With equal headroom, the least recently used wins, never-used first; then the smaller id.
    @Test func prefersLeastRecentlyUsed() {
        let accounts = [
            testAccount(1, lastUsedAt: testNow.addingTimeInterval(-10)),
            testAccount(2, lastUsedAt: testNow.addingTimeInterval(-20)),
        ]
        #expect(Self.selection.choose(from: accounts, now: testNow)
            == AccountSelection.Choice(account: testID(2), reason: "least recently used"))
        let withFresh = accounts + [testAccount(3)]
        #expect(Self.selection.choose(from: withFresh, now: testNow)?.account == testID(3))
        let ties = [testAccount(5), testAccount(4)]
        #expect(Self.selection.choose(from: ties, now: testNow)
            == AccountSelection.Choice(account: testID(4), reason: "tie broken by id"))
    }

    /// Pinned mode only ever picks the pinned account.
    @Test func pinnedOnlyPicksPinned() {
        let pinned = AccountSelection(strategy: .pinned(testID(2)))
        let accounts = [testAccount(1), testAccount(2, lastUsedAt: testNow)]
        #expect(pinned.choose(from: accounts, now: testNow)
            == AccountSelection.Choice(account: testID(2), reason: "pinned account"))
        let out = [testAccount(1), testAccount(2, status: .disabled(reason: "user"))]
        #expect(pinned.choose(from: out, now: testNow) == nil)
    }

    /// An account re-enters rotation exactly at its cooldown's end and at its window's reset.
    @Test func readmitsAtReset() {
        let reset = testNow.addingTimeInterval(60)
        let cooling = testAccount(1, cooldown: Cooldown(until: reset, reason: .usageLimit))
        let exhausted = testAccount(2, usage: UsageSnapshot(
            primary: UsageWindow(usedPercent: 100, resetsAt: reset), observedAt: testNow))
        for account in [cooling, exhausted] {
            #expect(Self.selection.choose(from: [account], now: reset.addingTimeInterval(-0.001)) == nil)
            #expect(Self.selection.choose(from: [account], now: reset)?.account == account.id)
        }
    }

    /// A used-up window without a reported reset returns after its length, at most an hour after it was seen, and
    /// from then on counts as started over: full headroom, like a window whose reported reset has passed.
    @Test func readmitsUsedUpWindowWithoutReset() {
        let seen = testNow.addingTimeInterval(-1_800)
        let returned = testAccount(1, usage: UsageSnapshot(
            primary: UsageWindow(usedPercent: 100, windowMinutes: 30), observedAt: seen))
        let half = testAccount(2, usage: UsageSnapshot(primary: UsageWindow(usedPercent: 50), observedAt: testNow))
        #expect(Self.selection.choose(from: [returned, half], now: testNow.addingTimeInterval(-0.001))?.account
            == testID(2))
        #expect(Self.selection.choose(from: [returned, half], now: testNow)
            == AccountSelection.Choice(account: testID(1), reason: "most headroom 100%"))

        let weekly = testAccount(3, usage: UsageSnapshot(
            secondary: UsageWindow(usedPercent: 100, windowMinutes: 10_080), observedAt: testNow))
        #expect(Self.selection.choose(from: [weekly], now: testNow.addingTimeInterval(3_599.999)) == nil)
        #expect(Self.selection.choose(from: [weekly], now: testNow.addingTimeInterval(3_600))?.account == testID(3))
    }

    /// Property: a cooling, needs-login, disabled, exhausted or excluded account is never selected.
    @Test func neverSelectsUnusable() {
        var generator = SeededGenerator(seed: 11)
        for _ in 0..<500 {
            let accounts = (0..<Int(1 + generator.next() % 12)).map { n in
                randomAccount(n, using: &generator)
            }
            let excluded = accounts.filter { _ in generator.next() % 5 == 0 }.map(\.id)
            let preferred = accounts.randomElement(using: &generator).map { ($0.id, "bound to conversation") }
            guard let choice = Self.selection.choose(from: accounts, preferred: preferred, excluding: excluded,
                                                     now: testNow)
            else {
                #expect(accounts.allSatisfy {
                    excluded.contains($0.id) || $0.state(at: testNow) != .ready
                })
                continue
            }
            let account = accounts.first { $0.id == choice.account }!
            #expect(account.status == .ready)
            #expect(account.activeCooldown(at: testNow) == nil)
            #expect(account.usage?.exhaustedUntil(at: testNow) == nil)
            #expect(!excluded.contains(account.id))
        }
    }

    /// Property: requests without a conversation spread evenly over equal accounts by LRU.
    @Test func spreadsLoadByLeastRecentlyUsed() {
        var accounts = (0..<7).map { testAccount($0) }
        var served = [AccountID: Int]()
        var now = testNow
        for _ in 0..<700 {
            now = now.addingTimeInterval(1)
            guard let choice = Self.selection.choose(from: accounts, now: now),
                let index = accounts.firstIndex(where: { $0.id == choice.account })
            else {
                Issue.record("no account chosen")
                return
            }
            accounts[index].lastUsedAt = now
            served[choice.account, default: 0] += 1
        }
        #expect(served.count == 7)
        #expect(served.values.allSatisfy { $0 == 100 })
    }
}

/// An account in a random state: ready, cooling, exhausted, needs-login or disabled.
func randomAccount(_ n: Int, using generator: inout SeededGenerator) -> Account {
    let offset = Double(Int(generator.next() % 7_200) - 3_600)
    switch generator.next() % 6 {
    case 0: return testAccount(n, cooldown: Cooldown(until: testNow.addingTimeInterval(offset), reason: .rateLimit))
    case 1:
        return testAccount(n, usage: UsageSnapshot(
            primary: UsageWindow(usedPercent: Double(generator.next() % 120), resetsAt: testNow.addingTimeInterval(offset)),
            observedAt: testNow))
    case 2: return testAccount(n, status: .needsLogin(reason: "revoked"))
    case 3: return testAccount(n, status: .disabled(reason: "user"))
    default: return testAccount(n, lastUsedAt: testNow.addingTimeInterval(offset))
    }
}
