import Foundation
import RotorCore
import Testing

/// An account and the state it is in at `testNow`.
struct AccountStateRow: Sendable, CustomTestStringConvertible {
    var name: String
    var account: Account
    var state: AccountState
    var testDescription: String { name }
}

struct AccountStateTests {
    static func at(_ seconds: TimeInterval) -> Date { testNow.addingTimeInterval(seconds) }
    static func usedUp(until seconds: TimeInterval) -> UsageSnapshot {
        UsageSnapshot(primary: UsageWindow(usedPercent: 100, resetsAt: at(seconds)), observedAt: testNow)
    }

    static let rows: [AccountStateRow] = [
        AccountStateRow(name: "nothing in force", account: testAccount(1), state: .ready),
        AccountStateRow(name: "a cooldown in force",
                        account: testAccount(1, cooldown: Cooldown(until: at(60), reason: .rateLimit)),
                        state: .cooling(until: at(60), reason: .rateLimit)),
        AccountStateRow(name: "a cooldown that ended",
                        account: testAccount(1, cooldown: Cooldown(until: testNow, reason: .rateLimit)),
                        state: .ready),
        AccountStateRow(name: "an exhausted window cools as usage-limit",
                        account: testAccount(1, usage: usedUp(until: 600)),
                        state: .cooling(until: at(600), reason: .usageLimit)),
        AccountStateRow(name: "a longer cooldown outlasts an exhausted window",
                        account: testAccount(1, cooldown: Cooldown(until: at(1_200), reason: .network),
                                             usage: usedUp(until: 600)),
                        state: .cooling(until: at(1_200), reason: .network)),
        AccountStateRow(name: "a longer exhausted window outlasts a cooldown",
                        account: testAccount(1, cooldown: Cooldown(until: at(300), reason: .network),
                                             usage: usedUp(until: 600)),
                        state: .cooling(until: at(600), reason: .usageLimit)),
        AccountStateRow(name: "needs-login outranks a cooldown",
                        account: testAccount(1, status: .needsLogin(reason: "revoked"),
                                             cooldown: Cooldown(until: at(60), reason: .rateLimit)),
                        state: .needsLogin(reason: "revoked")),
        AccountStateRow(name: "disabled outranks an exhausted window",
                        account: testAccount(1, status: .disabled(reason: "user"), usage: usedUp(until: 600)),
                        state: .disabled(reason: "user")),
    ]

    /// Each row: the status that needs the user first, then the later of the cooldown and the exhausted window.
    @Test(arguments: rows)
    func combinesStatusCooldownAndUsage(row: AccountStateRow) {
        #expect(row.account.state(at: testNow) == row.state)
    }

    /// A used-up window without a reported reset keeps its account cooling (usage-limit) for its length after it
    /// was seen, at most an hour: a weekly window does not bench the account for a week on a guess.
    @Test func usedUpWindowWithoutResetCoolsAtMostAnHour() {
        let weekly = testAccount(1, usage: UsageSnapshot(
            secondary: UsageWindow(usedPercent: 100, windowMinutes: 10_080), observedAt: testNow))
        #expect(weekly.state(at: testNow) == .cooling(until: testNow.addingTimeInterval(3_600), reason: .usageLimit))
        #expect(weekly.state(at: testNow.addingTimeInterval(3_600)) == .ready)
    }
}
