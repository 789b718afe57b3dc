#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

extension UsageSnapshot {
    /// Reads the `x-codex-{primary,secondary}-{used-percent,window-minutes,reset-at,reset-after-seconds}` headers
    /// (or those of the family named by `x-codex-active-limit`); `nil` when no window's used percentage is readable.
    ///
    /// `reset-at` (unix seconds) wins over `reset-after-seconds`, which older senders use. Garbage values are
    /// dropped one by one; resets are clamped to 7 days ahead. `source` says which answer carried the headers.
    public init?(headers: HeaderFields, observedAt now: Date, source: UsageSource = .responseHeaders) {
        let family = HeaderLookup.value("x-codex-active-limit", in: headers)
            .map { $0.lowercased() }
            .flatMap { $0.isEmpty || $0.contains(where: { !($0.isLetter || $0.isNumber || $0 == "-") }) ? nil : $0 }
            ?? "codex"
        func window(_ name: String) -> UsageWindow? {
            let prefix = "x-\(family)-\(name)-"
            return Self.window(
                usedPercent: HeaderLookup.number(prefix + "used-percent", in: headers),
                windowMinutes: HeaderLookup.number(prefix + "window-minutes", in: headers),
                resetAt: HeaderLookup.number(prefix + "reset-at", in: headers),
                resetAfterSeconds: HeaderLookup.number(prefix + "reset-after-seconds", in: headers),
                now: now
            )
        }
        self.init(primary: window("primary"), secondary: window("secondary"), observedAt: now, source: source)
        if primary == nil, secondary == nil { return nil }
    }

    /// Reads a `codex.rate_limits` SSE event's JSON: `{"type":"codex.rate_limits","rate_limits":{"primary":{…},
    /// "secondary":{…}}}` as Codex's backend sends it, or a flat `{"primary":{…},"secondary":{…}}`. Each window has
    /// `used_percent`, `window_minutes`, `reset_at` or `resets_at` (unix seconds or ms) and `reset_after_seconds` or
    /// `resets_in_seconds`. `nil` when no window's used percentage is readable. Its source is ``UsageSource/streamEvent``.
    public init?(rateLimitsEvent bytes: [UInt8], observedAt now: Date) {
        guard let document = JSONValue.parse(bytes) else { return nil }
        let limits = document["rate_limits"] ?? document
        func window(_ name: String) -> UsageWindow? {
            guard let object = limits[name] else { return nil }
            return Self.window(
                usedPercent: object["used_percent"]?.number,
                windowMinutes: object["window_minutes"]?.number,
                resetAt: (object["reset_at"] ?? object["resets_at"])?.number,
                resetAfterSeconds: (object["reset_after_seconds"] ?? object["resets_in_seconds"])?.number,
                now: now
            )
        }
        self.init(primary: window("primary"), secondary: window("secondary"), observedAt: now, source: .streamEvent)
        if primary == nil, secondary == nil { return nil }
    }

    /// One window from its fields as the server sent them: `nil` without a used percentage in [0, 10^6]; a length
    /// outside [1, 10^6] minutes and an unreadable reset are dropped.
    static func window(
        usedPercent: Double?,
        windowMinutes: Double?,
        resetAt: Double?,
        resetAfterSeconds: Double?,
        now: Date
    ) -> UsageWindow? {
        guard let usedPercent, usedPercent >= 0, usedPercent <= 1_000_000 else { return nil }
        let minutes = windowMinutes.flatMap { $0 >= 1 && $0 <= 1_000_000 ? Int($0) : nil }
        return UsageWindow(
            usedPercent: usedPercent,
            windowMinutes: minutes,
            resetsAt: resetAt.flatMap { resetInstant(unixTime: $0, now: now) }
                ?? resetAfterSeconds.flatMap { SignalDeadline.after(seconds: $0, now: now) }
        )
    }

    // A window's reset may be past (the window already rolled over), which still says "not exhausted"; only
    // non-positive, non-finite and far-future values are rejected or clamped.
    private static func resetInstant(unixTime: Double, now: Date) -> Date? {
        guard unixTime.isFinite, unixTime > 0 else { return nil }
        let seconds = unixTime > SignalDeadline.millisecondsThreshold ? unixTime / 1000 : unixTime
        return min(Date(timeIntervalSince1970: seconds), now.addingTimeInterval(SignalDeadline.maximumDelay))
    }
}
