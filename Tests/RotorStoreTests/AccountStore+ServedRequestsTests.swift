import Foundation
import RotorCore
import RotorStore
import Testing

struct AccountStoreServedRequestsTests {
    let start = Date(timeIntervalSince1970: 1_000_000)
    let account = AccountID(UUID())

    func row(_ seconds: Double, _ outcome: DecisionRecord.Outcome, bytes: Int = 100, account: AccountID? = nil)
        -> DecisionRecord
    {
        DecisionRecord(time: start.addingTimeInterval(seconds), requestID: "r\(seconds)", attempt: 1,
                       accountID: account ?? self.account, outcome: outcome, reason: "most headroom", bytes: bytes)
    }

    /// Only committed attempts count, oldest first, from the given instant on: a success, a stream interrupted
    /// after the commit, a client that left after bytes reached it; not a failed-over attempt, a client that left
    /// before the commit, a pool-dry answer without an account, or a row before the start.
    @Test(arguments: StoreKind.allCases)
    func committedAttemptsOnly(kind: StoreKind) throws {
        try kind.withStore { store in
            var dry = row(6, .poolDry)
            dry.accountID = nil
            try store.appendDecisions([
                row(-1, .success), row(1, .usageLimit, bytes: 0), row(2, .success), row(3, .interrupted),
                row(4, .clientClosed, bytes: 0), row(5, .clientClosed, bytes: 12), dry, row(0, .success),
            ])
            #expect(try store.servedRequests(since: start) == [0, 2, 3, 5].map {
                ServedRequest(time: start.addingTimeInterval($0), account: account)
            })
        }
    }
}
