#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// The stable identity of a stored account: a UUID that never changes, whatever else does.
///
/// Accounts are never referred to by position, so removing one never re-targets a pin or a log line.
public struct AccountID: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    /// The underlying UUID.
    public let uuid: UUID

    /// Wraps an existing UUID.
    public init(_ uuid: UUID) {
        self.uuid = uuid
    }

    /// Parses the canonical (hyphenated) UUID spelling, in either case; `nil` for anything else.
    ///
    /// Hand-written rather than `UUID(uuidString:)`, which parses with `sscanf`: the proxy decodes every account's
    /// id whenever the accounts changed, and at 1,000 accounts that parse and its formatting twin were a quarter of
    /// rotor's CPU time.
    public init?(_ string: String) {
        var text = string
        guard let uuid = text.withUTF8(Self.parse) else { return nil }
        self.uuid = UUID(uuid: uuid)
    }

    /// The 16 bytes of the canonical spelling in `text`, or `nil`.
    private static func parse(_ text: UnsafeBufferPointer<UInt8>) -> uuid_t? {
        guard text.count == 36 else { return nil }
        var uuid: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let complete = withUnsafeMutableBytes(of: &uuid) { bytes -> Bool in
            var position = 0
            for index in 0..<16 {
                if position == 8 || position == 13 || position == 18 || position == 23 {
                    guard text[position] == UInt8(ascii: "-") else { return false }
                    position += 1
                }
                guard let high = nibble(text[position]), let low = nibble(text[position + 1]) else { return false }
                bytes[index] = high << 4 | low
                position += 2
            }
            return true
        }
        return complete ? uuid : nil
    }

    /// The full id as lower-case hyphenated text, the form stored and printed by `--json`.
    ///
    /// Formatted by hand for the reason the initializer parses by hand (`uuidString` formats with
    /// `sprintf`, then needs lower-casing).
    public var rawValue: String {
        func digit(_ nibble: UInt8) -> UInt8 { nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10 }
        return withUnsafeBytes(of: uuid.uuid) { bytes in
            String(unsafeUninitializedCapacity: 36) { output in
                var index = 0
                for (offset, byte) in bytes.enumerated() {
                    if offset == 4 || offset == 6 || offset == 8 || offset == 10 {
                        output[index] = UInt8(ascii: "-")
                        index += 1
                    }
                    output[index] = digit(byte >> 4)
                    output[index + 1] = digit(byte & 0x0F)
                    index += 2
                }
                return index
            }
        }
    }

    private static func nibble(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// The first 8 hex digits of the UUID: the short id shown everywhere a person reads it.
    public var shortID: String { String(rawValue.prefix(8)) }

    public var description: String { rawValue }

    /// The order of ``rawValue``: lower-case hex keeps the bytes' order, so the bytes are compared without text.
    public static func < (lhs: AccountID, rhs: AccountID) -> Bool {
        withUnsafeBytes(of: lhs.uuid.uuid) { left in
            withUnsafeBytes(of: rhs.uuid.uuid) { right in left.lexicographicallyPrecedes(right) }
        }
    }
}
