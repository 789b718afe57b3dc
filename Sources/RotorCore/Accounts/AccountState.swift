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
    /// The account's state at `now`, as selection sees it: a status that needs the user (disabled, needs-login)
    /// outranks a cooldown, and a used-up usage window shows as a usage-limit cooldown until its reset.
    public func state(at now: Date) -> AccountState {
        switch AccountAvailability(of: self, at: now) {
        case .available: .ready
        case .out(let until, let reason): .cooling(until: until, reason: reason)
        case .needsLogin(let reason): .needsLogin(reason: reason)
        case .disabled(let reason): .disabled(reason: reason)
        }
    }
}
