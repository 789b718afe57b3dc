#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Whether an account can serve a request now, and if not, why and until when.
public enum AccountAvailability: Hashable, Sendable {
    /// `ready`, no cooldown in force, no used-up usage window.
    case available
    /// Out until a known instant: a cooldown, or a used-up usage window until its reset.
    case out(until: Date, reason: CooldownReason)
    /// The login no longer works; only `rotor accounts add` brings it back.
    case needsLogin(reason: String)
    /// Disabled by the user or by the server; only `rotor accounts enable` brings it back.
    case disabled(reason: String)

    /// The availability of `account` at `now`.
    public init(of account: Account, at now: Date) {
        switch account.status {
        case .needsLogin(let reason):
            self = .needsLogin(reason: reason)
            return
        case .disabled(let reason):
            self = .disabled(reason: reason)
            return
        case .ready:
            break
        }
        let cooldown = account.activeCooldown(at: now)
        let usageReturn = account.usage?.exhaustedUntil(at: now)
        switch (cooldown, usageReturn) {
        case (nil, nil):
            self = .available
        case (let cooldown?, nil):
            self = .out(until: cooldown.until, reason: cooldown.reason)
        case (nil, let until?):
            self = .out(until: until, reason: .usageLimit)
        case (let cooldown?, let until?):
            self = cooldown.until >= until
                ? .out(until: cooldown.until, reason: cooldown.reason) : .out(until: until, reason: .usageLimit)
        }
    }

    /// Whether the account can serve now.
    public var isAvailable: Bool { self == .available }

    /// When an account that is out returns; `nil` when it is available or only the user can bring it back.
    public var returnsAt: Date? {
        guard case .out(let until, _) = self else { return nil }
        return until
    }

    /// Whether `account` can serve at `now`: the allocation-free check selection runs once per account per request.
    static func isAvailable(_ account: Account, at now: Date) -> Bool {
        guard case .ready = account.status else { return false }
        if let cooldown = account.cooldown, cooldown.until > now { return false }
        return account.usage?.exhaustedUntil(at: now) == nil
    }
}
