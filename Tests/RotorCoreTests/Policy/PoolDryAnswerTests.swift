import Foundation
import RotorCore
import Testing

struct PoolDryAnswerTests {
    /// All accounts usage-limited: 429 `usage_limit_reached` with the earliest reset as `resets_at` and Retry-After.
    @Test func usageLimitedPoolAnswersUsageLimit() throws {
        let accounts = [
            testAccount(1, cooldown: Cooldown(until: testNow.addingTimeInterval(7_200), reason: .usageLimit)),
            testAccount(2, usage: UsageSnapshot(primary: UsageWindow(usedPercent: 100,
                                                                     resetsAt: testNow.addingTimeInterval(3_600)),
                                                observedAt: testNow)),
        ]
        let answer = PoolDryAnswer.response(accounts: accounts, now: testNow)
        let expected = #"{"error":{"message":"All 2 accounts have reached their usage limit; the next one resets at 2026-01-01T01:00:00Z.","resets_at":1767229200,"type":"usage_limit_reached"}}"#
        #expect(answer == .usageLimitReached(accounts: 2, resetsAt: 1_767_229_200, retryAfterSeconds: 3_600))
        #expect(answer.status == 429)
        #expect(answer.retryAfterSeconds == 3_600)
        #expect(answer.body == bytes(expected))
    }

    /// The soonest-returning account's reason decides: a short rate limit gives a generic, retryable 429.
    @Test func shortReasonAnswersPoolBusy() {
        let accounts = [
            testAccount(1, cooldown: Cooldown(until: testNow.addingTimeInterval(7_200), reason: .usageLimit)),
            testAccount(2, cooldown: Cooldown(until: testNow.addingTimeInterval(30.2), reason: .rateLimit)),
        ]
        let answer = PoolDryAnswer.response(accounts: accounts, now: testNow)
        let expected = #"{"error":{"code":"rotor_pool_busy","message":"All 2 accounts are briefly unavailable (rate-limit); try again in 31s.","type":"rate_limit_exceeded"}}"#
        #expect(answer == .poolBusy(accounts: 2, reason: .rateLimit, retryAfterSeconds: 31))
        #expect(answer.status == 429)
        #expect(answer.retryAfterSeconds == 31)
        #expect(answer.body == bytes(expected))
    }

    /// Retry-After is never below one second.
    @Test func retryAfterAtLeastOneSecond() {
        let accounts = [testAccount(1, cooldown: Cooldown(until: testNow.addingTimeInterval(0.01), reason: .network))]
        #expect(PoolDryAnswer.response(accounts: accounts, now: testNow).retryAfterSeconds == 1)
    }

    /// Only needs-login and disabled accounts left: 503 naming each account and the command that fixes it.
    @Test func onlyUnusableAccountsAnswer503() {
        var second = testAccount(2, status: .disabled(reason: "disabled by the user"))
        second.label = "work team"
        let accounts = [testAccount(1, status: .needsLogin(reason: "refresh_token_reused")), second]
        let answer = PoolDryAnswer.response(accounts: accounts, now: testNow)
        let message = "No account can serve this request: acct1 needs a new login (refresh_token_reused): run "
            + "`rotor accounts add`; work team is disabled (disabled by the user): run "
            + "`rotor accounts enable 'work team'`."
        let expected = #"{"error":{"code":"rotor_no_usable_account","message":"\#(message)","type":"server_error"}}"#
        #expect(answer.status == 503)
        #expect(answer.body == bytes(expected))
        #expect(answer.retryAfterSeconds == nil)
    }

    /// No accounts at all: 503 telling the user to add one.
    @Test func emptyPoolAnswers503() {
        let answer = PoolDryAnswer.response(accounts: [Account](), now: testNow)
        #expect(answer == .noAccounts)
        #expect(answer.status == 503)
        #expect(String(decoding: answer.body, as: UTF8.self).contains("rotor accounts add"))
    }
}
