#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// How many accounts of a pool are in each ``AccountState`` at one instant, and whether the pool can serve: the one
/// reading behind the proxy's health answer and its account gauge.
public struct PoolHealth: Hashable, Sendable {
    /// Whether the pool can serve.
    public enum Status: String, Hashable, Sendable, CaseIterable {
        /// At least one account is ready, and every account that is not disabled is ready or at its reserve.
        case healthy
        /// The pool can serve, but an account that is not disabled cannot serve now (it is cooling or needs a
        /// login), or it serves from reserves only (every usable account is at its reserve, and the policy spends
        /// them).
        case degraded
        /// No account can serve: none at all, every one is cooling, needs a login or is disabled, or every usable one
        /// is at its reserve and the policy waits.
        case unhealthy
    }

    /// Accounts that can serve now, above their reserves.
    public var ready: Int
    /// Accounts that could serve now but are at a reserve of the routing policy.
    public var reserved: Int
    /// Accounts out until a known instant (a cooldown or a used-up usage window).
    public var cooling: Int
    /// Accounts whose login no longer works.
    public var needsLogin: Int
    /// Accounts taken out of rotation, by the user or by the server. They do not make the pool degraded: they are
    /// out on purpose until someone enables them.
    public var disabled: Int
    /// Whether the policy spends the reserves when every usable account is at one.
    public var spendsReserves: Bool

    /// Counts `accounts` by their state at `now` under `policy` (``RoutingPolicy/shownState(of:at:)``).
    public init(accounts: some Sequence<Account>, policy: RoutingPolicy = .default, now: Date) {
        (ready, reserved, cooling, needsLogin, disabled) = (0, 0, 0, 0, 0)
        spendsReserves = policy.whenAllReserved == .useReserve
        for account in accounts {
            let shown = policy.shownState(of: account, at: now)
            switch shown.state {
            case .ready: if shown.reservation == nil { ready += 1 } else { reserved += 1 }
            case .cooling: cooling += 1
            case .needsLogin: needsLogin += 1
            case .disabled: disabled += 1
            }
        }
    }

    /// Whether the pool can serve; see ``Status``.
    public var status: Status {
        guard ready > 0 || (reserved > 0 && spendsReserves) else { return .unhealthy }
        return ready > 0 && cooling + needsLogin == 0 ? .healthy : .degraded
    }
}
