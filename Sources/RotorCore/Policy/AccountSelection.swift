#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Picks the account for the next attempt from the usable ones.
///
/// Usable: ``AccountState/ready`` (no cooldown in force, no exhausted usage window). Preference: (a) the
/// preferred account (the conversation's, or the one that minted the turn state) when usable; (b) the most
/// headroom (``UsageSnapshot/headroom(at:)``: the least percentage left over the known windows); (c) least
/// recently used, never-used first; (d) the smaller id. One pass over the accounts, no sorting, so the cost grows
/// linearly and stays small per account.
public struct AccountSelection: Hashable, Sendable {
    /// Which accounts may serve.
    public enum Strategy: Hashable, Sendable {
        /// Any account of the pool, by the preferences above.
        case pool
        /// Only this account (`--account`).
        case pinned(AccountID)
    }

    /// The chosen account and why it was chosen.
    public struct Choice: Hashable, Sendable {
        /// The chosen account.
        public var account: AccountID
        /// Why, in words for the decision log ("bound to conversation", "most headroom 73%", …).
        public var reason: String

        /// Creates a choice.
        public init(account: AccountID, reason: String) {
            self.account = account
            self.reason = reason
        }
    }

    /// Which accounts may serve.
    public var strategy: Strategy

    /// Creates a selection with `strategy`.
    public init(strategy: Strategy = .pool) {
        self.strategy = strategy
    }

    /// The best usable account of `accounts` at `now`, never one listed in `excluded`; `nil` when none is usable.
    ///
    /// - Parameters:
    ///   - preferred: an account to keep when it is usable, and the words that say why.
    public func choose(
        from accounts: [Account],
        preferred: (account: AccountID, reason: String)? = nil,
        excluding excluded: [AccountID] = [],
        now: Date
    ) -> Choice? {
        var best: Candidate?
        var runnerUp: Candidate?
        let pinned: AccountID? = if case .pinned(let id) = strategy { id } else { nil }
        for index in accounts.indices {
            let id = accounts[index].id
            if let pinned, id != pinned { continue }
            guard accounts[index].state(at: now) == .ready, !excluded.contains(id) else { continue }
            if let preferred, preferred.account == id {
                return Choice(account: id, reason: preferred.reason)
            }
            let candidate = Candidate(id: id, headroom: accounts[index].usage?.headroom(at: now) ?? 100,
                                      lastUsedAt: accounts[index].lastUsedAt)
            if let current = best, !candidate.isBetter(than: current) {
                if runnerUp.map({ candidate.isBetter(than: $0) }) ?? true { runnerUp = candidate }
            } else {
                runnerUp = best
                best = candidate
            }
        }
        guard let best else { return nil }
        return Choice(account: best.id, reason: reason(for: best, over: runnerUp))
    }

    private func reason(for best: Candidate, over runnerUp: Candidate?) -> String {
        if case .pinned = strategy { return "pinned account" }
        guard let runnerUp else { return "only usable account" }
        if best.headroom != runnerUp.headroom { return "most headroom \(PercentText(best.headroom))" }
        if best.lastUsedAt != runnerUp.lastUsedAt {
            return best.lastUsedAt == nil ? "least recently used (never used)" : "least recently used"
        }
        return "tie broken by id"
    }

    private struct Candidate {
        var id: AccountID
        var headroom: Double
        var lastUsedAt: Date?

        func isBetter(than other: Candidate) -> Bool {
            if headroom != other.headroom { return headroom > other.headroom }
            switch (lastUsedAt, other.lastUsedAt) {
            case (nil, .some): return true
            case (.some, nil): return false
            case (let mine?, let theirs?) where mine != theirs: return mine < theirs
            default: return id < other.id
            }
        }
    }
}
