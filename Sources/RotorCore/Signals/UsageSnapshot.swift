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

    /// Whether this window forbids requests at `now`: used up and not yet reset.
    public func isExhausted(at now: Date) -> Bool {
        guard usedPercent >= 100 else { return false }
        guard let resetsAt else { return true }
        return resetsAt > now
    }
}

/// The latest usage windows seen for an account.
public struct UsageSnapshot: Hashable, Sendable, Codable {
    public var primary: UsageWindow?
    public var secondary: UsageWindow?
    /// When the snapshot was observed.
    public var observedAt: Date

    public init(primary: UsageWindow? = nil, secondary: UsageWindow? = nil, observedAt: Date) {
        self.primary = primary
        self.secondary = secondary
        self.observedAt = observedAt
    }

    /// The windows that are known.
    public var windows: [UsageWindow] { [primary, secondary].compactMap { $0 } }

    /// Whether any window forbids requests at `now`.
    public func isExhausted(at now: Date) -> Bool {
        windows.contains { $0.isExhausted(at: now) }
    }

    /// The least remaining percentage over the known windows (100 when none is known).
    public func headroom(at now: Date) -> Double {
        let remaining = windows.map { window -> Double in
            if let resetsAt = window.resetsAt, resetsAt <= now { return 100 }
            return 100 - window.usedPercent
        }
        return remaining.min() ?? 100
    }
}
