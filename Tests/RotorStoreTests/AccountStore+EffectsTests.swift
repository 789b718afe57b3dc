import Foundation
import RotorCore
import RotorTestSupport
import Testing

@testable import RotorStore

/// Routing's effects as the store records them: counts change in SQL, a success resets only the count it saw, and
/// the decision rows carry the cooldown that stands.
struct AccountStoreEffectsTests {
    private let now = Date(timeIntervalSince1970: 1_767_225_600)
    private let affinity = AccountStore.AffinityLifetimes(conversation: .seconds(60), turnState: .seconds(60))

    /// Two processes record a failure of the same account: both count, and the second cooldown comes from the
    /// backoff with the count the first left.
    @Test func failuresFromTwoProcessesBothCount() throws {
        let directory = try TemporaryDirectory(prefix: "rotor-effects")
        defer { directory.remove() }
        let first = try AccountStore(directory: directory.stateDirectory)
        let second = try AccountStore(directory: directory.stateDirectory)
        let id = try first.saveLogin(TestLogin.make(email: "a@example.com")).account.id
        var generator = SeededGenerator(seed: 3)
        let failure = AccountFailure(.overloaded)
        let record = DecisionRecord(time: now, requestID: "r", attempt: 1, accountID: id, outcome: .overloaded,
                                    reason: "only usable account")
        try first.record([.failure(id, failure)], decisions: [record], now: now, affinity: affinity,
                         using: &generator)
        try second.record([.failure(id, failure)], decisions: [record], now: now, affinity: affinity,
                          using: &generator)
        #expect(try first.account(id)?.consecutiveFailures == 2)
        let rows = try first.decisions(requestID: "r", limit: 10)
        #expect(rows.count == 2)
        #expect(rows.allSatisfy { $0.cooldownReason == .overloaded && $0.cooldownUntil != nil })
        #expect(rows.contains { $0.reason.hasSuffix("; cooldown from backoff n=1") })
        #expect(rows.contains { $0.reason.hasSuffix("; cooldown from backoff n=0") })
    }

    /// A success resets the count only if it still holds the value its request read; last use is recorded anyway.
    @Test(arguments: [(2, 0), (1, 2)])
    func successResetsOnlyTheCountItSaw(sawFailures: Int, expected: Int) throws {
        let store = try AccountStore.inMemory()
        let id = try store.saveLogin(TestLogin.make(email: "a@example.com")).account.id
        var generator = SeededGenerator(seed: 3)
        let record = DecisionRecord(time: now, requestID: "r", attempt: 1, accountID: id, outcome: .success,
                                    reason: "only usable account")
        try store.record([.failure(id, AccountFailure(.network)), .failure(id, AccountFailure(.network))],
                         decisions: [], now: now, affinity: affinity, using: &generator)
        try store.record([.success(id, at: now, sawFailures: sawFailures)],
                         decisions: [record], now: now, affinity: affinity, using: &generator)
        #expect(try store.account(id)?.consecutiveFailures == expected)
        #expect(try store.account(id)?.lastUsedAt == now)
    }
}
