public import Foundation
import GRDB
public import RotorCore

extension AccountStore {
    /// The requests an account served from `start` on, oldest first: the decision rows of committed attempts
    /// (`success`, `interrupted`, and `client-closed` after bytes reached the client), with the time each attempt
    /// started and its account.
    public func servedRequests(since start: Date) throws -> [ServedRequest] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT time, account_id FROM decision
                    WHERE time >= ? AND account_id IS NOT NULL
                      AND (outcome IN (?, ?) OR (outcome = ? AND bytes > 0))
                    ORDER BY time, id
                    """,
                arguments: [
                    start.timeIntervalSince1970, DecisionRecord.Outcome.success.rawValue,
                    DecisionRecord.Outcome.interrupted.rawValue, DecisionRecord.Outcome.clientClosed.rawValue,
                ]
            ).compactMap { row in
                AccountID(row[1] as String).map { ServedRequest(time: Date(timeIntervalSince1970: row[0]), account: $0) }
            }
        }
    }
}
