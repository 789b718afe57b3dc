import Foundation

/// `application/x-www-form-urlencoded` and URL query text.
///
/// Hand-written because Foundation's `URLComponents` leaves `+`, `&` and `=` unescaped in query values and does not
/// read `+` as a space, which a form body and a pasted redirect URL both need.
enum FormURLEncoding {
    /// `name=value` pairs joined by `&`; everything but RFC 3986's unreserved characters is percent-encoded.
    static func encode(_ pairs: [(String, String)]) -> String {
        pairs.map { "\(percentEncode($0.0))=\(percentEncode($0.1))" }.joined(separator: "&")
    }

    /// Percent-encodes every byte that is not an RFC 3986 unreserved character (`A-Z a-z 0-9 - . _ ~`).
    static func percentEncode(_ text: String) -> String {
        var encoded = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                encoded.append(Character(Unicode.Scalar(byte)))
            default:
                encoded += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return encoded
    }

    /// The pairs of a query string (without the leading `?`); `+` reads as a space, percent escapes are decoded,
    /// and a pair that does not decode is dropped.
    static func decode(_ query: Substring) -> [(String, String)] {
        query.split(separator: "&", omittingEmptySubsequences: true).compactMap { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = percentDecode(parts[0]) else { return nil }
            let value = parts.count > 1 ? percentDecode(parts[1]) : ""
            return value.map { (name, $0) }
        }
    }

    /// The first value of `name` in `pairs`.
    static func value(_ name: String, in pairs: [(String, String)]) -> String? {
        pairs.first { $0.0 == name }?.1
    }

    private static func percentDecode(_ text: Substring) -> String? {
        text.replacing("+", with: " ").removingPercentEncoding
    }
}

extension String {
    fileprivate func leftPadded(to length: Int) -> String {
        String(repeating: "0", count: Swift.max(0, length - count)) + self
    }
}
