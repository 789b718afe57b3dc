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

    /// How long a used-up window without a known reset keeps its account out when the window length is unknown too.
    static let unknownResetFallback: TimeInterval = 3_600

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
        let usageReturn = account.usage.flatMap { Self.exhaustedUntil($0, now: now) }
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
        guard let usage = account.usage else { return true }
        return exhaustedUntil(usage.primary, observedAt: usage.observedAt, now: now) == nil
            && exhaustedUntil(usage.secondary, observedAt: usage.observedAt, now: now) == nil
    }

    /// When every used-up window (raw used % ≥ 100) of `snapshot` resets, or `nil` if none is used up at `now`.
    ///
    /// A used-up window without a reset counts as used up for its own length after the observation (it cannot
    /// last longer), or one hour when that is unknown too, so a snapshot missing its reset never benches an account
    /// forever.
    static func exhaustedUntil(_ snapshot: UsageSnapshot, now: Date) -> Date? {
        let primary = exhaustedUntil(snapshot.primary, observedAt: snapshot.observedAt, now: now)
        let secondary = exhaustedUntil(snapshot.secondary, observedAt: snapshot.observedAt, now: now)
        switch (primary, secondary) {
        case (let primary?, let secondary?): return max(primary, secondary)
        default: return primary ?? secondary
        }
    }

    private static func exhaustedUntil(_ window: UsageWindow?, observedAt: Date, now: Date) -> Date? {
        guard let window, window.usedPercent >= 100 else { return nil }
        let until = window.resetsAt
            ?? observedAt.addingTimeInterval(window.windowMinutes.map { TimeInterval($0) * 60 } ?? unknownResetFallback)
        return until > now ? until : nil
    }
}
