#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// One snapshot in an account's usage history: what the store keeps of how the account's windows moved, and what a
/// policy simulation estimates the cost of a request from.
public struct UsageHistoryEntry: Sendable, Hashable {
    /// The account it was seen for (it may have been removed since).
    public var accountID: AccountID
    /// The windows, when (``UsageSnapshot/observedAt``) and where (``UsageSnapshot/source``) they were seen.
    public var usage: UsageSnapshot
    /// The account's plan at the time, as far as rotor knew it.
    public var plan: String?

    /// Creates an entry.
    public init(accountID: AccountID, usage: UsageSnapshot, plan: String?) {
        self.accountID = accountID
        self.usage = usage
        self.plan = plan
    }
}

/// A request that an account served (its stream was committed to the client), as the decision log records it.
public struct ServedRequest: Sendable, Hashable {
    /// When its serving attempt started.
    public var time: Date
    /// The account that served it.
    public var account: AccountID

    /// Creates a served request.
    public init(time: Date, account: AccountID) {
        self.time = time
        self.account = account
    }
}
