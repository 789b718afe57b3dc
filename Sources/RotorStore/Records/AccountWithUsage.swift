import GRDB
import RotorCore

/// An account row joined with its usage snapshot: what ``AccountStore/accounts()`` reads in one query.
struct AccountWithUsage: Decodable, FetchableRecord {
    var account: AccountRecord
    var usage: UsageSnapshotRecord?

    var value: Account? { account.account(usage: usage?.snapshot) }
}
