#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// How the pool is spent: the order among usable accounts (priority, then a strategy), the share of each usage
/// window every account keeps free (its reserve), and what happens when every usable account is at its reserve.
///
/// ``default`` is rotor's order without a policy: priority 1 everywhere, `headroom`, no reserve, `use-reserve`.
public struct RoutingPolicy: Hashable, Sendable {
    /// The order among usable accounts of equal priority.
    public enum Strategy: String, Hashable, Sendable, CaseIterable {
        /// Most headroom (the least percentage left over the windows), then least recently used, then the id.
        case headroom
        /// The earliest reset of each account's binding window (the one with the least left above its reserve)
        /// first: use it or lose it. Then as `headroom`.
        case resetFirst = "reset-first"
        /// The account that served last, while it is usable and above its reserve; else as `headroom`.
        case drain
        /// Least recently used, never-used first, then the id.
        case roundRobin = "round-robin"

        /// The stable spelling (`headroom`, `reset-first`, `drain`, `round-robin`).
        public var name: String { rawValue }
    }

    /// What selection does when every usable account is at its reserve.
    public enum WhenAllReserved: String, Hashable, Sendable, CaseIterable {
        /// Spend the reserves, choosing by the strategy.
        case useReserve = "use-reserve"
        /// Answer as a dry pool until the earliest reset at which some account leaves its reserve.
        case wait

        /// The stable spelling (`use-reserve`, `wait`).
        public var name: String { rawValue }
    }

    /// The order among accounts of equal priority.
    public var strategy: Strategy
    /// The percentage of each window every account keeps free, by the window's name; 0 or absent: no reserve.
    public var reserves: [UsageWindowName: Double]
    /// Per-account reserves that replace ``reserves`` for that account's named windows.
    public var accountReserves: [AccountID: [UsageWindowName: Double]]
    /// Per-account priorities; lower is used first, and an account not listed has ``defaultPriority``.
    public var priorities: [AccountID: Int]
    /// What happens when every usable account is at its reserve.
    public var whenAllReserved: WhenAllReserved

    /// The priority of an account the policy does not list.
    public static let defaultPriority = 1

    /// rotor's order without a policy: `headroom`, every account priority 1, no reserve, `use-reserve`.
    public static let `default` = RoutingPolicy()

    /// Creates a policy; the defaults are ``default``'s.
    public init(
        strategy: Strategy = .headroom,
        reserves: [UsageWindowName: Double] = [:],
        accountReserves: [AccountID: [UsageWindowName: Double]] = [:],
        priorities: [AccountID: Int] = [:],
        whenAllReserved: WhenAllReserved = .useReserve
    ) {
        self.strategy = strategy
        self.reserves = reserves
        self.accountReserves = accountReserves
        self.priorities = priorities
        self.whenAllReserved = whenAllReserved
    }

    /// The priority of `account`: its own, else ``defaultPriority``.
    public func priority(of account: AccountID) -> Int {
        priorities[account] ?? Self.defaultPriority
    }

    /// The percentage of `window` that `account` keeps free: its own reserve, else the global one, else 0.
    public func reserve(of account: AccountID, in window: UsageWindowName) -> Double {
        accountReserves[account]?[window] ?? reserves[window] ?? 0
    }

    /// Whether any reserve above 0 is set; without one no account is ever reserved.
    public var hasReserves: Bool {
        reserves.values.contains { $0 > 0 } || accountReserves.values.contains { $0.values.contains { $0 > 0 } }
    }
}

/// An account at or below its reserve in one window: why selection skips it.
public struct Reservation: Hashable, Sendable, CustomStringConvertible {
    /// The window at its reserve.
    public var window: UsageWindowName
    /// The percentage used at the instant of the check.
    public var usedPercent: Double
    /// The percentage the account keeps free in that window.
    public var reserve: Double
    /// When the account leaves its reserve in this window: the window's reset; for a window seen without a reset,
    /// ``UsageWindow/unreportedResetBound`` after it was seen, when rotor tries the account again and learns its
    /// numbers afresh (as it does for a used-up window without a reset).
    public var resetsAt: Date

    /// Creates a reservation.
    public init(window: UsageWindowName, usedPercent: Double, reserve: Double, resetsAt: Date) {
        self.window = window
        self.usedPercent = usedPercent
        self.reserve = reserve
        self.resetsAt = resetsAt
    }

    /// The decision log's words: `reserved (weekly 71% used, keeps 30%)`.
    public var description: String {
        "reserved (\(detail))"
    }

    /// Why the account is reserved, as `state_reason` in JSON: `weekly 71% used, keeps 30%`.
    public var detail: String {
        "\(window) \(PercentText(usedPercent)) used, keeps \(PercentText(reserve))"
    }
}

extension RoutingPolicy {
    /// The windows of `account` at or below its reserve at `now` (a reserve applies only above 0), shortest window
    /// first; empty when none is. An exhausted window is out, never reserved (``Account/state(at:)`` cools it).
    public func reservations(of account: Account, at now: Date) -> [Reservation] {
        guard hasReserves, let usage = account.usage else { return [] }
        var found: [Reservation] = []
        for window in [usage.primary, usage.secondary].compactMap({ $0 }) {
            guard let name = window.name,
                let reservation = reservation(of: account.id, in: window, named: name, observedAt: usage.observedAt,
                                              at: now)
            else { continue }
            found.append(reservation)
        }
        return found.sorted { $0.window < $1.window }
    }

    /// `window` (named `name`, seen at `observedAt`) of `account` when it is at or below its reserve at `now`: a
    /// reserve above 0, not exhausted (an exhausted window is out, never reserved), and not past the reservation's
    /// end.
    private func reservation(
        of account: AccountID, in window: UsageWindow, named name: UsageWindowName, observedAt: Date, at now: Date
    ) -> Reservation? {
        let kept = reserve(of: account, in: name)
        guard kept > 0, window.exhaustedUntil(at: now, observedAt: observedAt) == nil else { return nil }
        let used = window.usedPercent(at: now, observedAt: observedAt)
        guard 100 - used <= kept else { return nil }
        let ends = window.reset(observedAt: observedAt) ?? observedAt.addingTimeInterval(UsageWindow.unreportedResetBound)
        guard ends > now else { return nil }
        return Reservation(window: name, usedPercent: used, reserve: kept, resetsAt: ends)
    }

    /// Whether `account` is at or below its reserve in any window at `now`: ``reservations(of:at:)`` is not empty.
    /// Selection asks this of every account of every request, so it stops at the first window at its reserve and
    /// builds nothing.
    public func isAtReserve(_ account: Account, at now: Date) -> Bool {
        guard hasReserves, let usage = account.usage else { return false }
        for window in [usage.primary, usage.secondary] {
            guard let window, let name = window.name else { continue }
            if reservation(of: account.id, in: window, named: name, observedAt: usage.observedAt, at: now) != nil {
                return true
            }
        }
        return false
    }

    /// What makes `account` show as `reserved` in `rotor status` and `rotor accounts list`: its first window at its
    /// reserve while it is otherwise ready (an account out for another reason shows that reason); `nil` when none.
    public func shownReservation(of account: Account, at now: Date) -> Reservation? {
        guard hasReserves, account.state(at: now) == .ready else { return nil }
        return reservations(of: account, at: now).first
    }

    /// When `account` leaves its reserve: the latest end of its reservations; `nil` when it is not reserved at `now`.
    public func reserveEnds(for account: Account, at now: Date) -> Date? {
        reservations(of: account, at: now).lazy.map(\.resetsAt).max()
    }

    /// For a pool whose usable accounts are all at their reserve under ``WhenAllReserved/wait``: the earliest instant
    /// at which some usable account of `accounts` leaves its reserve; `nil` when none is reserved.
    public func earliestReserveEnd(of accounts: [Account], at now: Date) -> Date? {
        var earliest: Date?
        for account in accounts where account.state(at: now) == .ready {
            if let end = reserveEnds(for: account, at: now) { earliest = min(earliest ?? end, end) }
        }
        return earliest
    }

    /// The window of `usage` with the least percentage left above `account`'s reserve at `now` (the one that runs
    /// out first), with that amount; `nil` without a named window.
    func bindingWindow(of account: AccountID, usage: UsageSnapshot, at now: Date)
        -> (name: UsageWindowName, left: Double, resetsAt: Date?)?
    {
        var binding: (name: UsageWindowName, left: Double, resetsAt: Date?)?
        for window in [usage.primary, usage.secondary].compactMap({ $0 }) {
            guard let name = window.name else { continue }
            let left = window.remainingPercent(at: now, observedAt: usage.observedAt) - reserve(of: account, in: name)
            if binding.map({ left < $0.left || (left == $0.left && name < $0.name) }) ?? true {
                let reset = window.reset(observedAt: usage.observedAt).flatMap { $0 > now ? $0 : nil }
                binding = (name, left, reset)
            }
        }
        return binding
    }
}
