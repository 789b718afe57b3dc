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
        #expect(plan.reason == "every usable account reserved, spending reserves; most headroom 20%; "
            + "skipped acct2 reserved (weekly 90% used, keeps 30%)")
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
}
