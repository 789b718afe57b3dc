#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// RFC 3339 timestamps as Codex writes them (`2025-05-01T12:34:56.123456789Z`, any number of fraction digits).
enum ISO8601Timestamp {
    /// The instant, or `nil` if the text is not an RFC 3339 timestamp.
    static func parse(_ text: String) -> Date? {
        // Date.ISO8601FormatStyle accepts at most a few fraction digits; parse the fraction apart.
        var whole = text
        var fraction = 0.0
        if let dot = text.firstIndex(of: "."),
            let end = text[dot...].firstIndex(where: { !$0.isNumber && $0 != "." })
        {
            fraction = Double("0" + text[dot..<end]) ?? 0
            whole = String(text[..<dot] + text[end...])
        }
        guard let date = try? Date(whole, strategy: .iso8601) else { return nil }
        return date.addingTimeInterval(fraction)
    }
}
