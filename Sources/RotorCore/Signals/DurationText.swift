#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// A span of time as rotor prints it: `45s`, `41m`, `2h 05m`, `3d 4h` — at most two units, rounded down.
///
/// Used for the time an account has left in a cooldown and for how old a reading is (`as of 3m ago`). A negative
/// span prints as `0s`.
public struct DurationText: CustomStringConvertible, Sendable, Equatable {
    /// The span in whole seconds, never negative.
    public var seconds: Int64

    /// The text of `duration`.
    public init(_ duration: Duration) {
        seconds = max(0, duration.components.seconds)
    }

    /// The text of the span from `start` to `end`.
    public init(from start: Date, to end: Date) {
        let interval = end.timeIntervalSince(start)
        seconds = interval.isFinite ? Int64(max(0, min(interval, Double(Int64.max / 2)))) : 0
    }

    /// The span in at most two units (`45s`, `41m`, `2h 05m`, `3d 4h`).
    public var description: String {
        let minutes = seconds / 60
        let hours = minutes / 60
        let days = hours / 24
        if days > 0 { return "\(days)d \(hours % 24)h" }
        if hours > 0 { return "\(hours)h \(minutes % 60 < 10 ? "0" : "")\(minutes % 60)m" }
        if minutes > 0 { return "\(minutes)m" }
        return "\(seconds)s"
    }
}
