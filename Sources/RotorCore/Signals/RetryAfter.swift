#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Reads `retry-after-ms` and `Retry-After` (delta-seconds or an HTTP-date, RFC 9110 §10.2.3).
enum RetryAfter {
    /// The deadline the headers ask for, clamped to 7 days; `retry-after-ms` wins over `Retry-After` because it is
    /// the more precise of the two when a sender gives both. `nil` when neither is readable.
    static func deadline(headers: HeaderFields, now: Date) -> Date? {
        if let milliseconds = HeaderLookup.number("retry-after-ms", in: headers),
            let deadline = SignalDeadline.after(seconds: milliseconds / 1000, now: now)
        {
            return deadline
        }
        guard let text = HeaderLookup.value("retry-after", in: headers), !text.isEmpty, text.utf8.count <= 64 else {
            return nil
        }
        if let seconds = Double(text) {
            return SignalDeadline.after(seconds: seconds, now: now)
        }
        return HTTPDate.parse(text).flatMap { SignalDeadline.clamp($0, now: now) }
    }
}
