#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Parses and prints the HTTP date formats of RFC 9110 §5.6.7 without a calendar or locale.
///
/// Hand-written because FoundationEssentials offers no date formatter that can be relied on for these formats
/// on every platform (`DateFormatter` lives in full Foundation, and the `FormatStyle` parsers there are locale-
/// and version-dependent). The grammar is tiny and fixed, so a strict hand parser is the safer choice.
enum HTTPDate {
    private static let monthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// Parses an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), or one of the obsolete RFC 850
    /// (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime (`Sun Nov  6 08:49:37 1994`) forms that recipients must
    /// also accept. Returns `nil` for anything else.
    static func parse(_ text: String) -> Date? {
        let tokens = text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "-" || $0 == "\t" })
            .map { $0.lowercased() }
        guard tokens.count >= 5 else { return nil }
        // Drop the weekday; what remains is either "D M Y T GMT" (IMF, RFC 850) or "M D T Y" (asctime).
        let fields = Array(tokens.dropFirst())
        if fields.count == 5, fields[4] == "gmt" {
            return date(day: fields[0], month: fields[1], year: fields[2], time: fields[3])
        }
        if fields.count == 4 {
            return date(day: fields[1], month: fields[0], year: fields[3], time: fields[2])
        }
        return nil
    }

    private static func date(day: String, month: String, year: String, time: String) -> Date? {
        guard let day = Int(day), (1...31).contains(day),
            let monthIndex = monthNames.firstIndex(of: month),
            var year = Int(year), year >= 0
        else { return nil }
        if year < 100 {
            // RFC 850 two-digit years: RFC 9110 says a year more than 50 years ahead is in the past century.
            year += year < 70 ? 2000 : 1900
        }
        let clock = time.split(separator: ":").map { Int($0) }
        guard clock.count == 3, let hour = clock[0], let minute = clock[1], let second = clock[2],
            (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second), year <= 9999
        else { return nil }
        let days = UTCCalendar.daysSinceEpoch(year: year, month: monthIndex + 1, day: day)
        let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }
}
