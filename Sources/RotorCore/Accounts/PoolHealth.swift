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
        /// At least one account is ready, and every account that is not disabled is.
        case healthy
        /// At least one account is ready, but another one that is not disabled cannot serve now (it is cooling or
        /// needs a login).
        case degraded
        /// No account is ready: none at all, or every one is cooling, needs a login or is disabled.
        case unhealthy
    }

    /// Accounts that can serve now.
    public var ready: Int
    /// Accounts out until a known instant (a cooldown or a used-up usage window).
    public var cooling: Int
    /// Accounts whose login no longer works.
    public var needsLogin: Int
    /// Accounts taken out of rotation, by the user or by the server. They do not make the pool degraded: they are
    /// out on purpose until someone enables them.
    public var disabled: Int

    /// Counts `accounts` by their state at `now`.
    public init(accounts: some Sequence<Account>, now: Date) {
        (ready, cooling, needsLogin, disabled) = (0, 0, 0, 0)
        for account in accounts {
            switch account.state(at: now) {
            case .ready: ready += 1
            case .cooling: cooling += 1
            case .needsLogin: needsLogin += 1
            case .disabled: disabled += 1
            }
        }
    }

    /// Whether the pool can serve; see ``Status``.
    public var status: Status {
        guard ready > 0 else { return .unhealthy }
        return cooling + needsLogin == 0 ? .healthy : .degraded
    }
}
