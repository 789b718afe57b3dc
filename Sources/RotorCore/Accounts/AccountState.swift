#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// What an account is at one instant: whether it can serve, and if not, why and until when.
///
/// The one view of an account that selection, waiting, the pool-dry answer and `rotor accounts list` share.
public enum AccountState: Hashable, Sendable {
    /// Usable now: `ready`, no cooldown in force, no exhausted usage window.
    case ready
    /// Out until a known instant: a cooldown, or an exhausted usage window (as `usage-limit`) until it returns.
    case cooling(until: Date, reason: CooldownReason)
    /// The stored login no longer works; a new login (`rotor accounts add`) fixes it.
    case needsLogin(reason: String)
    /// Taken out of rotation, by the user or by the server; `rotor accounts enable` brings it back.
    case disabled(reason: String)

    /// The stable spelling used by `--json`: `ready`, `cooling`, `needs-login` or `disabled`.
    public var name: String {
        switch self {
        case .ready: "ready"
        case .cooling: "cooling"
        case .needsLogin: "needs-login"
        case .disabled: "disabled"
        }
    }
}

extension Account {
    /// The account's state at `now`: a status that needs the user (disabled, needs-login) outranks a cooldown, and
    /// an exhausted usage window (``UsageSnapshot/exhaustedUntil(at:)``) cools the account as `usage-limit` until
    /// it returns, unless a cooldown lasts longer.
    public func state(at now: Date) -> AccountState {
        switch status {
        case .needsLogin(let reason): return .needsLogin(reason: reason)
        case .disabled(let reason): return .disabled(reason: reason)
        case .ready: break
        }
        switch (activeCooldown(at: now), usage?.exhaustedUntil(at: now)) {
        case (nil, nil):
            return .ready
        case (let cooldown?, nil):
            return .cooling(until: cooldown.until, reason: cooldown.reason)
        case (nil, let until?):
            return .cooling(until: until, reason: .usageLimit)
        case (let cooldown?, let until?):
            return cooldown.until >= until
                ? .cooling(until: cooldown.until, reason: cooldown.reason) : .cooling(until: until, reason: .usageLimit)
        }
    }
}
