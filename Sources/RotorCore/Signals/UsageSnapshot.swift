#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// One rate-limit window as the server reports it (`x-codex-primary-*` or `x-codex-secondary-*`).
public struct UsageWindow: Hashable, Sendable, Codable {
    /// Raw percentage used; compared unrounded (99.6 is not 100).
    public var usedPercent: Double
    /// The window's length in minutes, when reported.
    public var windowMinutes: Int?
    /// When the window resets, when reported.
    public var resetsAt: Date?

    public init(usedPercent: Double, windowMinutes: Int? = nil, resetsAt: Date? = nil) {
        self.usedPercent = usedPercent
        self.windowMinutes = windowMinutes
        self.resetsAt = resetsAt
    }

    /// How far apart two reports of one window's reset may be and still be the same reset: a reset given as
    /// "seconds from now" moves with the moment it was read.
    public static let sameResetTolerance: TimeInterval = 60

    /// Whether two optional windows report the same numbers (see ``UsageSnapshot/hasSameWindows(as:)``).
    static func same(_ lhs: UsageWindow?, _ rhs: UsageWindow?) -> Bool {
        switch (lhs, rhs) {
        case (nil, nil):
            return true
        case (let lhs?, let rhs?):
            guard lhs.usedPercent == rhs.usedPercent, lhs.windowMinutes == rhs.windowMinutes else { return false }
            switch (lhs.resetsAt, rhs.resetsAt) {
            case (nil, nil): return true
            case (let a?, let b?): return abs(a.timeIntervalSince(b)) < sameResetTolerance
            default: return false
            }
        default:
            return false
        }
    }

    /// The longest a used-up window without a reported reset stays exhausted after it was seen: one hour.
    ///
    /// Its real reset lies anywhere within its length (up to a week); past this bound one request finds out, and an
    /// exhausted account answers it with its exact reset.
    public static let unreportedResetBound: TimeInterval = 3_600

    /// Whether the window was used up when seen: raw used percentage ≥ 100.
    public var isUsedUp: Bool { usedPercent >= 100 }

    /// When the window starts over, for a window seen at `observedAt`: its reported reset; for a used-up window
    /// without one, its length after `observedAt` (it cannot last longer) but at most ``unreportedResetBound``;
    /// `nil` for a window below 100 % without a reported reset, about which rotor assumes nothing.
    public func reset(observedAt: Date) -> Date? {
        if let resetsAt { return resetsAt }
        guard isUsedUp else { return nil }
        let length = windowMinutes.map { TimeInterval($0) * 60 } ?? Self.unreportedResetBound
        return observedAt.addingTimeInterval(min(length, Self.unreportedResetBound))
    }

    /// When the window returns if it is exhausted at `now` (used up, not yet started over); `nil` when it is not.
    public func exhaustedUntil(at now: Date, observedAt: Date) -> Date? {
        guard isUsedUp, let reset = reset(observedAt: observedAt), reset > now else { return nil }
        return reset
    }

    /// The percentage used at `now`: 0 once the window has started over, else the percentage seen.
    public func usedPercent(at now: Date, observedAt: Date) -> Double {
        if let reset = reset(observedAt: observedAt), reset <= now { return 0 }
        return usedPercent
    }

    /// The percentage left at `now`: 100 once the window has started over, else 100 − used.
    public func remainingPercent(at now: Date, observedAt: Date) -> Double {
        100 - usedPercent(at: now, observedAt: observedAt)
    }
}

/// The latest usage windows seen for an account.
///
/// The one rule for used-up windows (docs/routing.md): availability, selection and the cooldown of a failed
/// attempt all read ``exhaustedUntil(at:)`` and ``headroom(at:)``, which follow ``UsageWindow/reset(observedAt:)``.
public struct UsageSnapshot: Hashable, Sendable, Codable {
    public var primary: UsageWindow?
    public var secondary: UsageWindow?
    /// When the snapshot was observed.
    public var observedAt: Date
    /// Where it was seen.
    public var source: UsageSource

    /// A snapshot seen at `observedAt` in `source` (by default an answer's headers, where most snapshots come from).
    public init(
        primary: UsageWindow? = nil,
        secondary: UsageWindow? = nil,
        observedAt: Date,
        source: UsageSource = .responseHeaders
    ) {
        self.primary = primary
        self.secondary = secondary
        self.observedAt = observedAt
        self.source = source
    }

    /// Whether `other` reports the same windows: the same used percentages and lengths, and resets less than
    /// ``UsageWindow/sameResetTolerance`` apart. When and where the two were seen does not count.
    public func hasSameWindows(as other: UsageSnapshot) -> Bool {
        UsageWindow.same(primary, other.primary) && UsageWindow.same(secondary, other.secondary)
    }

    /// When every window exhausted at `now` has returned (the latest of their returns); `nil` when none is.
    public func exhaustedUntil(at now: Date) -> Date? {
        let primary = primary?.exhaustedUntil(at: now, observedAt: observedAt)
        let secondary = secondary?.exhaustedUntil(at: now, observedAt: observedAt)
        guard let primary, let secondary else { return primary ?? secondary }
        return max(primary, secondary)
    }

    /// The least percentage left at `now` over the known windows; 100 when none is known.
    public func headroom(at now: Date) -> Double {
        min(primary?.remainingPercent(at: now, observedAt: observedAt) ?? 100,
            secondary?.remainingPercent(at: now, observedAt: observedAt) ?? 100)
    }
}
