#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// How server-given times become deadlines that are safe to act on.
///
/// Every deadline derived from an upstream signal goes through here, so none is negative, past, non-finite or
/// further away than ``maximumDelay`` (a bogus header once benched an account for 31 years).
enum SignalDeadline {
    /// The longest any server-given delay may bench an account: 7 days.
    static let maximumDelay: TimeInterval = 7 * 24 * 60 * 60

    /// Unix times above this are milliseconds: some senders give `resets_at` in milliseconds.
    static let millisecondsThreshold: Double = 1e12

    /// `now + seconds`, clamped to at most 7 days; `nil` for a negative or non-finite delay.
    static func after(seconds: Double, now: Date) -> Date? {
        guard seconds.isFinite, seconds >= 0 else { return nil }
        return now.addingTimeInterval(min(seconds, maximumDelay))
    }

    /// The instant of a unix timestamp (seconds, or milliseconds above 10^12), clamped to at most 7 days from
    /// `now`; `nil` when it is not positive, not finite, or already past — a stale reset tells nothing.
    static func at(unixTime: Double, now: Date) -> Date? {
        guard unixTime.isFinite, unixTime > 0 else { return nil }
        let seconds = unixTime > millisecondsThreshold ? unixTime / 1000 : unixTime
        return clamp(Date(timeIntervalSince1970: seconds), now: now)
    }

    /// `date` clamped to at most 7 days from `now`; `nil` when it is already past.
    static func clamp(_ date: Date, now: Date) -> Date? {
        guard date.timeIntervalSince1970.isFinite, date >= now else { return nil }
        return min(date, now.addingTimeInterval(maximumDelay))
    }
}

extension Duration {
    /// The duration in seconds as a `TimeInterval`, for `Date` arithmetic.
    var timeInterval: TimeInterval {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) * 1e-18
    }
}
