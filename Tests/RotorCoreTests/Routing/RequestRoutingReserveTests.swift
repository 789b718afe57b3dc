import Foundation
import RotorCore
import Testing

/// The routing machine under a ``RoutingPolicy`` with reserves: affinity, the decision log's words, and the answer
/// when every usable account is at its reserve.
struct RequestRoutingReserveTests {
    static func weekly(_ used: Double, resetsIn seconds: TimeInterval) -> UsageSnapshot {
        UsageSnapshot(secondary: UsageWindow(usedPercent: used, windowMinutes: 10_080,
                                             resetsAt: testNow.addingTimeInterval(seconds)),
                      observedAt: testNow)
    }

    /// A conversation bound to an account at its reserve moves, and the row says why.
    @Test func reserveBreaksAffinity() {
        let accounts = [
            testAccount(1, usage: Self.weekly(75, resetsIn: 86_400)),
            testAccount(2, usage: Self.weekly(40, resetsIn: 86_400)),
            testAccount(3, usage: Self.weekly(20, resetsIn: 86_400)),
        ]
        let request = RequestRoutingTests.request(conversation: "c", bound: testID(1))
        var machine = RequestRouting.StateMachine(request: request, policy: RoutingPolicy(reserves: [.weekly: 30]),
                                                  startedAt: testNow)
        guard case .attempt(let plan) = machine.next(accounts: accounts, now: testNow) else {
            Issue.record("expected an attempt")
            return
        }
        #expect(plan.account == testID(3))
        #expect(plan.reason == "bound to conversation account acct1 reserved (weekly 75% used, keeps 30%); "
            + "most headroom 80%; skipped acct1 reserved (weekly 75% used, keeps 30%)")

        var unreserved = RequestRouting.StateMachine(request: request, startedAt: testNow)
        guard case .attempt(let kept) = unreserved.next(accounts: accounts, now: testNow) else {
            Issue.record("expected an attempt")
            return
        }
        #expect(kept.account == testID(1))
        #expect(kept.reason == "bound to conversation")
    }

    /// `wait`: every usable account reserved is a dry pool: 429 with the earliest reserve end, no upstream call.
    @Test func allReservedWaitAnswersDry() {
        let accounts = [
            testAccount(1, usage: Self.weekly(80, resetsIn: 2 * 86_400)),
            testAccount(2, usage: Self.weekly(90, resetsIn: 86_400)),
        ]
        var machine = RequestRouting.StateMachine(
            request: RequestRoutingTests.request(), policy: RoutingPolicy(reserves: [.weekly: 30], whenAllReserved: .wait),
            startedAt: testNow)
        guard case .answer(let answer, let record) = machine.next(accounts: accounts, now: testNow) else {
            Issue.record("expected an answer")
            return
        }
        #expect(answer == .respond(.reservesKept(accounts: 2, resetsAt: 1_767_312_000, retryAfterSeconds: 86_400)))
        #expect(record.outcome == .poolDry)
        #expect(record.policyVersion == RoutingPolicy(reserves: [.weekly: 30], whenAllReserved: .wait).version)
        #expect(record.reason == "every usable account reserved: acct1 reserved (weekly 80% used, keeps 30%), "
            + "acct2 reserved (weekly 90% used, keeps 30%)")
        #expect(machine.isFinished)
    }

    /// `use-reserve`: every usable account reserved, the strategy chooses among them.
    @Test func allReservedUseReserveSpends() {
        let accounts = [
            testAccount(1, usage: Self.weekly(80, resetsIn: 2 * 86_400)),
            testAccount(2, usage: Self.weekly(90, resetsIn: 86_400)),
        ]
        var machine = RequestRouting.StateMachine(
            request: RequestRoutingTests.request(),
            policy: RoutingPolicy(reserves: [.weekly: 30], whenAllReserved: .useReserve), startedAt: testNow)
        guard case .attempt(let plan) = machine.next(accounts: accounts, now: testNow) else {
            Issue.record("expected an attempt")
            return
        }
        #expect(plan.account == testID(1))
        #expect(plan.reason == "every usable account reserved, spending reserves; most headroom 20%",
                "acct2 lost by headroom, not by its reserve: it is not listed as skipped")
    }

    /// `--account` pins the user's explicit choice: its reserve does not apply, and the row says it is pinned.
    @Test func pinnedAccountIgnoresReserve() {
        let accounts = [
            testAccount(1, usage: Self.weekly(80, resetsIn: 86_400)),
            testAccount(2, usage: Self.weekly(10, resetsIn: 86_400)),
        ]
        var request = RequestRoutingTests.request()
        request.pinnedAccount = testID(1)
        var machine = RequestRouting.StateMachine(
            request: request, policy: RoutingPolicy(reserves: [.weekly: 30], whenAllReserved: .wait),
            startedAt: testNow)
        guard case .attempt(let plan) = machine.next(accounts: accounts, now: testNow) else {
            Issue.record("expected an attempt")
            return
        }
        #expect(plan.account == testID(1))
        #expect(plan.reason == "pinned account")
    }

    /// `wait` with one account cooling and one reserved: the answer counts only the reserved one as usable and names
    /// whichever comes back first — here the cooling account, in an hour, before the reserve ends in a day.
    @Test func waitWithACoolingAccountNamesTheFirstReturn() {
        let accounts = [
            testAccount(1, cooldown: Cooldown(until: testNow.addingTimeInterval(3_600), reason: .usageLimit)),
            testAccount(2, usage: Self.weekly(90, resetsIn: 86_400)),
        ]
        var machine = RequestRouting.StateMachine(
            request: RequestRoutingTests.request(), policy: RoutingPolicy(reserves: [.weekly: 30], whenAllReserved: .wait),
            startedAt: testNow)
        guard case .answer(let answer, let record) = machine.next(accounts: accounts, now: testNow) else {
            Issue.record("expected an answer")
            return
        }
        #expect(answer == .respond(.reservesKept(accounts: 1, resetsAt: Int(testNow.timeIntervalSince1970) + 3_600,
                                                 retryAfterSeconds: 3_600)))
        #expect(record.reason == "every usable account reserved: acct1 is out (usage-limit until "
            + "2026-01-01T01:00:00Z), acct2 reserved (weekly 90% used, keeps 30%)")
    }

    /// A reserve that ends within the wait is waited for, like a cooldown, before it is answered dry.
    @Test func aReserveEndingSoonIsWaitedFor() {
        let accounts = [testAccount(1, usage: Self.weekly(90, resetsIn: 10))]
        var machine = RequestRouting.StateMachine(
            request: RequestRoutingTests.request(), policy: RoutingPolicy(reserves: [.weekly: 30], whenAllReserved: .wait),
            startedAt: testNow)
        #expect(machine.next(accounts: accounts, now: testNow) == .wait(
            until: testNow.addingTimeInterval(10),
            reason: "no usable account; an account leaves its reserve at 2026-01-01T00:00:10Z"))
    }

    /// A window seen at its reserve without a reset is trusted for an hour after it was seen, as a used-up window
    /// without a reset is: then the account is tried again and its numbers learned afresh.
    @Test func aReserveWithoutAResetLapsesAfterTheBound() {
        let seen = testNow.addingTimeInterval(-600)
        let account = testAccount(1, usage: UsageSnapshot(
            secondary: UsageWindow(usedPercent: 90, windowMinutes: 10_080, resetsAt: nil), observedAt: seen))
        let policy = RoutingPolicy(reserves: [.weekly: 30], whenAllReserved: .wait)
        #expect(policy.reserveEnds(for: account, at: testNow) == seen.addingTimeInterval(3_600))
        var machine = RequestRouting.StateMachine(request: RequestRoutingTests.request(), policy: policy,
                                                  startedAt: testNow)
        guard case .answer(.respond(let answer), _) = machine.next(accounts: [account], now: testNow) else {
            Issue.record("expected an answer")
            return
        }
        #expect(answer.resetsAt == Int(seen.timeIntervalSince1970) + 3_600)
        #expect(policy.reservations(of: account, at: seen.addingTimeInterval(3_600)).isEmpty)
        var later = RequestRouting.StateMachine(request: RequestRoutingTests.request(), policy: policy,
                                                startedAt: seen.addingTimeInterval(3_600))
        guard case .attempt(let plan) = later.next(accounts: [account], now: seen.addingTimeInterval(3_600)) else {
            Issue.record("expected an attempt once the reserve lapsed")
            return
        }
        #expect(plan.account == testID(1))
    }
}
