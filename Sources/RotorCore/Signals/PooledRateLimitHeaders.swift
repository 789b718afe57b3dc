#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// The `x-codex-{primary,secondary}-*` rate-limit headers rotor sends Codex: the pool's usage of the 5-hour window
/// (primary position) and of the weekly window (secondary position) instead of the one account that served.
///
/// Codex warns, shows a banner and offers a cheaper model from these headers of the latest response alone, so they
/// must describe what the pool has left (docs/proxy.md). For each of the two windows: used = 100 − the mean, over the
/// accounts that can serve (neither disabled nor needs-login) and have a snapshot of that window, of what each has
/// left — 0 for an account cooling on a usage limit, 100 for a window already started over; reset-at = the earliest
/// future reset among those accounts that have used some of it. The serving account's snapshot is the response's own
/// headers (the way routing records them); every other account's is its latest stored one.
///
/// A position whose window no account has a snapshot of keeps the response's own headers, unless they report the
/// window the other position now carries pooled (a weekly window in the primary position, as plans with only a
/// weekly window send it): then they are removed, so Codex never reads the serving account's own share of it.
public struct PooledRateLimitHeaders: Hashable, Sendable {
    /// One header to set (`value`) or remove (`nil`).
    public struct Edit: Hashable, Sendable {
        /// The lower-case header name.
        public var name: String
        /// The new value; `nil` removes the header.
        public var value: String?

        /// An edit of the header `name` to `value` (`nil`: remove it).
        public init(name: String, value: String?) {
            self.name = name
            self.value = value
        }
    }

    /// The pool's usage of one window.
    public struct PoolWindow: Hashable, Sendable {
        /// 100 − the mean of what the counted accounts have left, 0 to 100.
        public var usedPercent: Double
        /// The earliest future reset among the counted accounts that have used some of the window.
        public var resetsAt: Date?
        /// How many accounts were counted.
        public var accounts: Int

        /// The pool's usage of a window from its parts.
        public init(usedPercent: Double, resetsAt: Date?, accounts: Int) {
            self.usedPercent = usedPercent
            self.resetsAt = resetsAt
            self.accounts = accounts
        }
    }

    /// What one header position carries.
    public enum Position: Hashable, Sendable {
        /// The response's own headers, as they came.
        case unchanged
        /// The pool's usage of the position's window.
        case pooled(PoolWindow)
        /// Nothing: the response's own headers reported the window the other position carries pooled.
        case removed
    }

    /// The primary position: the 5-hour window.
    public var primary: Position
    /// The secondary position: the weekly window.
    public var secondary: Position
    /// The instant the values were computed for (reset-after-seconds counts from it).
    public var now: Date

    /// The headers for a response served by `serving` with `responseHeaders` (lower-case names), or for rotor's own
    /// answer when `serving` is `nil`, given every account of the pool as last read (`accounts`; the serving one may
    /// be among them).
    public init(serving: Account?, responseHeaders: HeaderFields, accounts: [Account], now: Date) {
        var pool = accounts.filter { $0.id != serving?.id }
        if var serving {
            serving.usage = UsageSnapshot(headers: responseHeaders, observedAt: now) ?? serving.usage
            pool.append(serving)
        }
        let fiveHours = Self.pool(.fiveHours, over: pool, now: now)
        let weekly = Self.pool(.weekly, over: pool, now: now)
        let reported = (
            primary: HeaderLookup.number(Self.name(.primary, .windowMinutes), in: responseHeaders),
            secondary: HeaderLookup.number(Self.name(.secondary, .windowMinutes), in: responseHeaders)
        )
        self.primary = Self.position(fiveHours, reporting: reported.primary,
                                     otherPooled: weekly.map { _ in UsageWindowName.weekly })
        self.secondary = Self.position(weekly, reporting: reported.secondary,
                                       otherPooled: fiveHours.map { _ in UsageWindowName.fiveHours })
        self.now = now
    }

    /// The header edits, in a stable order; empty when both positions stay as they came.
    public var edits: [Edit] {
        Self.edits(for: primary, at: .primary, window: .fiveHours, now: now)
            + Self.edits(for: secondary, at: .secondary, window: .weekly, now: now)
    }

    // MARK: - The rule

    /// The pool's usage of the window `name`; `nil` when no account that can serve has a snapshot of it.
    static func pool(_ name: UsageWindowName, over accounts: [Account], now: Date) -> PoolWindow? {
        var left: [Double] = []
        var earliestReset: Date?
        for account in accounts {
            let state = account.state(at: now)
            switch state {
            case .disabled, .needsLogin: continue
            case .ready, .cooling: break
            }
            guard let snapshot = account.usage, let window = snapshot.window(named: name) else { continue }
            if case .cooling(_, .usageLimit) = state {
                left.append(0)
            } else {
                left.append(min(100, max(0, window.remainingPercent(at: now, observedAt: snapshot.observedAt))))
            }
            if window.usedPercent > 0, let reset = window.reset(observedAt: snapshot.observedAt), reset > now {
                earliestReset = min(earliestReset ?? reset, reset)
            }
        }
        guard !left.isEmpty else { return nil }
        let mean = left.reduce(0, +) / Double(left.count)
        return PoolWindow(usedPercent: 100 - mean, resetsAt: earliestReset, accounts: left.count)
    }

    private static func position(_ pooled: PoolWindow?, reporting minutes: Double?,
                                 otherPooled: UsageWindowName?) -> Position {
        if let pooled { return .pooled(pooled) }
        if let otherPooled, let minutes, Int(exactly: minutes) == otherPooled.minutes { return .removed }
        return .unchanged
    }

    // MARK: - The headers

    /// A header position as Codex reads it.
    enum Slot: String {
        case primary, secondary
    }

    /// A header of a position.
    enum Field: String, CaseIterable {
        case usedPercent = "used-percent"
        case windowMinutes = "window-minutes"
        case resetAt = "reset-at"
        case resetAfterSeconds = "reset-after-seconds"
    }

    static func name(_ slot: Slot, _ field: Field) -> String {
        "x-codex-\(slot.rawValue)-\(field.rawValue)"
    }

    private static func edits(for position: Position, at slot: Slot, window: UsageWindowName, now: Date) -> [Edit] {
        switch position {
        case .unchanged:
            return []
        case .removed:
            return Field.allCases.map { Edit(name: name(slot, $0), value: nil) }
        case .pooled(let pooled):
            let resetAt = pooled.resetsAt.map { Int($0.timeIntervalSince1970.rounded(.up)) }
            let resetAfter = pooled.resetsAt.map { max(0, Int($0.timeIntervalSince(now).rounded(.up))) }
            return [
                Edit(name: name(slot, .usedPercent), value: PercentText(pooled.usedPercent).number),
                Edit(name: name(slot, .windowMinutes), value: String(window.minutes)),
                Edit(name: name(slot, .resetAt), value: resetAt.map(String.init)),
                Edit(name: name(slot, .resetAfterSeconds), value: resetAfter.map(String.init)),
            ]
        }
    }
}
