/// Reads the delay out of a human message such as "Rate limit reached … Please try again in 7s."
///
/// Upstream rate-limit messages spell the delay as `7s`, `1m30s`, `1.5s`, `20ms`, `2h`, or with words
/// (`12 seconds`); the number and unit sequence right after "try again in" is read, anything else yields `nil`.
enum RetryDelayText {
    private static let marker = Array("try again in".utf8)

    /// The hinted delay in seconds, or `nil` when the message carries no readable hint.
    static func seconds(in message: String) -> Double? {
        let bytes = Array(message.lowercased().utf8)
        guard let start = bytes.firstRange(of: marker)?.upperBound else { return nil }
        var index = start
        var total = 0.0
        var sawTerm = false
        while true {
            skipSpaces(bytes, &index)
            guard let number = readNumber(bytes, &index) else { break }
            skipSpaces(bytes, &index)
            guard let multiplier = readUnit(bytes, &index) else { return nil }
            total += number * multiplier
            sawTerm = true
        }
        guard sawTerm, total.isFinite else { return nil }
        return total
    }

    private static func skipSpaces(_ bytes: [UInt8], _ index: inout Int) {
        while index < bytes.count, bytes[index] == UInt8(ascii: " ") { index += 1 }
    }

    private static func readNumber(_ bytes: [UInt8], _ index: inout Int) -> Double? {
        let start = index
        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index])
            || bytes[index] == UInt8(ascii: ".")
        {
            index += 1
        }
        guard index > start, index - start <= 32 else {
            index = start
            return nil
        }
        return Double(String(decoding: bytes[start..<index], as: UTF8.self))
    }

    private static func readUnit(_ bytes: [UInt8], _ index: inout Int) -> Double? {
        let start = index
        while index < bytes.count, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(bytes[index]) { index += 1 }
        switch String(decoding: bytes[start..<index], as: UTF8.self) {
        case "ms", "millisecond", "milliseconds": return 0.001
        case "s", "sec", "secs", "second", "seconds": return 1
        case "m", "min", "mins", "minute", "minutes": return 60
        case "h", "hr", "hrs", "hour", "hours": return 3_600
        default: return nil
        }
    }
}
