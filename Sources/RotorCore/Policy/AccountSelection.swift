#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Picks the account for the next attempt from the usable ones.
///
/// Usable: ``AccountState/ready`` (no cooldown in force, no exhausted usage window). Candidates: the usable accounts
/// not at their reserve (``RoutingPolicy/reservations(of:at:)``). Preference: (a) the preferred account (the
/// conversation's, or the one that minted the turn state) when it is a candidate; (b) the lowest priority number;
/// (c) the policy's strategy — with ``RoutingPolicy/default`` the most headroom (``UsageSnapshot/headroom(at:)``:
/// the least percentage left over the known windows), then least recently used, never-used first, then the smaller
/// id. When every usable account is at its reserve, ``RoutingPolicy/WhenAllReserved`` says whether they are chosen
/// from all the same (the preferred one first) or none is. One pass over the accounts, no sorting, so the cost
/// grows linearly and stays small per account.
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
        /// Whether every usable account was at its reserve and the policy spends the reserves: the accounts passed
        /// over lost by the strategy, not by their reserve.
        public var spendsReserves: Bool

        /// Creates a choice.
        public init(account: AccountID, reason: String, spendsReserves: Bool = false) {
            self.account = account
            self.reason = reason
            self.spendsReserves = spendsReserves
        }
    }

    /// Which accounts may serve.
    public var strategy: Strategy
    /// The order, reserves and priorities among the accounts that may serve.
    public var policy: RoutingPolicy

    /// Creates a selection with `strategy` and `policy` (by default rotor's order without a policy).
    public init(strategy: Strategy = .pool, policy: RoutingPolicy = .default) {
        self.strategy = strategy
        self.policy = policy
    }

    /// The best usable account of `accounts` at `now`, never one listed in `excluded`; `nil` when none is usable,
    /// or when every usable one is at its reserve and the policy says ``RoutingPolicy/WhenAllReserved/wait``.
    ///
    /// - Parameters:
    ///   - preferred: an account to keep when it is usable and not at its reserve, and the words that say why.
    public func choose(
        from accounts: [Account],
        preferred: (account: AccountID, reason: String)? = nil,
        excluding excluded: [AccountID] = [],
        now: Date
    ) -> Choice? {
        let pinned: AccountID? = if case .pinned(let id) = strategy { id } else { nil }
        let servedLast = policy.strategy == .drain ? lastServed(of: accounts, pinned: pinned) : nil
        // A pinned account is the user's explicit choice: its reserve does not apply.
        let checksReserves = policy.hasReserves && pinned == nil
        var free = Ranking(strategy: policy.strategy)
        var reserved = Ranking(strategy: policy.strategy)
        var preferredIsReserved = false
        for index in accounts.indices {
            let id = accounts[index].id
            if let pinned, id != pinned { continue }
            guard accounts[index].state(at: now) == .ready, !excluded.contains(id) else { continue }
            let isReserved = checksReserves && policy.isAtReserve(accounts[index], at: now)
            if let preferred, preferred.account == id {
                guard isReserved else { return Choice(account: id, reason: preferred.reason) }
                preferredIsReserved = true
            }
            let usage = accounts[index].usage
            let binding = policy.strategy == .resetFirst
                ? usage.flatMap { policy.bindingWindow(of: id, usage: $0, at: now) } : nil
            let candidate = Candidate(id: id, priority: policy.priority(of: id),
                                      headroom: usage?.headroom(at: now) ?? 100,
                                      lastUsedAt: accounts[index].lastUsedAt,
                                      bindingWindow: binding?.resetsAt == nil ? nil : binding?.name,
                                      bindingReset: binding?.resetsAt, isLastServed: servedLast == id)
            if isReserved { reserved.insert(candidate) } else { free.insert(candidate) }
        }
        if let best = free.best {
            let alone = free.runnerUp == nil && reserved.best != nil
            return Choice(account: best.id,
                          reason: alone ? "only account above its reserve" : reason(for: best, over: free.runnerUp))
        }
        guard policy.whenAllReserved == .useReserve, let best = reserved.best else { return nil }
        if let preferred, preferredIsReserved {
            return Choice(account: preferred.account, reason: "\(preferred.reason); \(Self.spendingReserves)",
                          spendsReserves: true)
        }
        let why = reason(for: best, over: reserved.runnerUp)
        return Choice(account: best.id, reason: "\(Self.spendingReserves); \(why)", spendsReserves: true)
    }

    /// The decision log's words when every usable account is at its reserve and the policy spends the reserves.
    static let spendingReserves = "every usable account reserved, spending reserves"

    /// The account of the scope that served last (``Account/lastUsedAt``, the same in every process), in any state.
    private func lastServed(of accounts: [Account], pinned: AccountID?) -> AccountID? {
        var last: (id: AccountID, at: Date)?
        for account in accounts {
            if let pinned, account.id != pinned { continue }
            guard let at = account.lastUsedAt else { continue }
            if last.map({ at > $0.at || (at == $0.at && account.id < $0.id) }) ?? true { last = (account.id, at) }
        }
        return last?.id
    }

    private func reason(for best: Candidate, over runnerUp: Candidate?) -> String {
        if case .pinned = strategy { return "pinned account" }
        guard let runnerUp else { return "only usable account" }
        if best.priority != runnerUp.priority { return "priority \(best.priority)" }
        switch policy.strategy {
        case .headroom:
            return headroomReason(for: best, over: runnerUp)
        case .resetFirst:
            if let window = best.bindingWindow, let reset = best.bindingReset, reset != runnerUp.bindingReset {
                return "reset-first: \(window) resets \(UTCCalendar.iso8601(reset))"
            }
            return headroomReason(for: best, over: runnerUp)
        case .drain:
            return best.isLastServed ? "drain: served last" : headroomReason(for: best, over: runnerUp)
        case .roundRobin:
            return "round-robin: " + recencyReason(for: best, over: runnerUp)
        }
    }

    private func headroomReason(for best: Candidate, over runnerUp: Candidate) -> String {
        if best.headroom != runnerUp.headroom { return "most headroom \(PercentText(best.headroom))" }
        return recencyReason(for: best, over: runnerUp)
    }

    private func recencyReason(for best: Candidate, over runnerUp: Candidate) -> String {
        if best.lastUsedAt != runnerUp.lastUsedAt {
            return best.lastUsedAt == nil ? "least recently used (never used)" : "least recently used"
        }
        return "tie broken by id"
    }

    /// The best and second-best candidates seen so far: one pass, no sorting, so the cost grows linearly.
    private struct Ranking {
        var strategy: RoutingPolicy.Strategy
        var best: Candidate?
        var runnerUp: Candidate?

        mutating func insert(_ candidate: Candidate) {
            if let current = best, !candidate.isBetter(than: current, by: strategy) {
                if runnerUp.map({ candidate.isBetter(than: $0, by: strategy) }) ?? true { runnerUp = candidate }
            } else {
                runnerUp = best
                best = candidate
            }
        }
    }

    private struct Candidate {
        var id: AccountID
        var priority: Int
        var headroom: Double
        var lastUsedAt: Date?
        /// `reset-first`: the binding window, when its reset is known.
        var bindingWindow: UsageWindowName?
        var bindingReset: Date?
        /// `drain`: whether this account served last.
        var isLastServed: Bool

        func isBetter(than other: Candidate, by strategy: RoutingPolicy.Strategy) -> Bool {
            if priority != other.priority { return priority < other.priority }
            switch strategy {
            case .headroom:
                return hasMoreHeadroom(than: other)
            case .resetFirst:
                switch (bindingReset, other.bindingReset) {
                case (let mine?, let theirs?) where mine != theirs: return mine < theirs
                case (.some, nil): return true
                case (nil, .some): return false
                default: return hasMoreHeadroom(than: other)
                }
            case .drain:
                if isLastServed != other.isLastServed { return isLastServed }
                return hasMoreHeadroom(than: other)
            case .roundRobin:
                return wasUsedLonger(ago: other)
            }
        }

        private func hasMoreHeadroom(than other: Candidate) -> Bool {
            if headroom != other.headroom { return headroom > other.headroom }
            return wasUsedLonger(ago: other)
        }

        /// Least recently used first, never-used before all; then the smaller id.
        private func wasUsedLonger(ago other: Candidate) -> Bool {
            switch (lastUsedAt, other.lastUsedAt) {
            case (nil, .some): return true
            case (.some, nil): return false
            case (let mine?, let theirs?) where mine != theirs: return mine < theirs
            default: return id < other.id
            }
        }
    }
}
