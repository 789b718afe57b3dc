#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// What an account is at one instant, as `rotor accounts list` shows it: its status combined with any cooldown.
public enum AccountState: Hashable, Sendable {
    /// Usable now.
    case ready
    /// Out of rotation until a deadline.
    case cooling(until: Date, reason: CooldownReason)
    /// The stored login no longer works; a new login fixes it.
    case needsLogin(reason: String)
    /// Taken out of rotation.
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
    /// The account's state at `now`. A status that needs the user (disabled, needs-login) outranks a cooldown.
    public func state(at now: Date) -> AccountState {
        switch status {
        case .disabled(let reason): return .disabled(reason: reason)
        case .needsLogin(let reason): return .needsLogin(reason: reason)
        case .ready:
            guard let cooldown = activeCooldown(at: now) else { return .ready }
            return .cooling(until: cooldown.until, reason: cooldown.reason)
        }
    }
}
