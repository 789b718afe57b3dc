/// One `"key": value` member of a JSON object, located by byte offsets into the scanned text.
public struct JSONMember: Hashable, Sendable {
    /// The decoded key.
    public var key: String
    /// The key's bytes, quotes included.
    public var keyRange: Range<Int>
    /// The value's bytes, without surrounding whitespace.
    public var valueRange: Range<Int>
}

/// The layout of one JSON object: where it starts and ends and where each member is.
public struct JSONObjectLayout: Hashable, Sendable {
    /// From the `{` to just past the matching `}`.
    public var range: Range<Int>
    /// The members in document order (duplicates included).
    public var members: [JSONMember]

    /// The first member named `key`.
    public func member(_ key: String) -> JSONMember? {
        members.first { $0.key == key }
    }
}

/// The layout of one JSON array: where it starts and ends and where each element is.
public struct JSONArrayLayout: Hashable, Sendable {
    /// From the `[` to just past the matching `]`.
    public var range: Range<Int>
    /// Each element's bytes, without surrounding whitespace, in order.
    public var elements: [Range<Int>]
}

/// Why some bytes are not the JSON that was expected.
public struct JSONScanError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The byte offset at which the problem was found.
    public var offset: Int
    /// What was expected there, e.g. `"a value"` or `"',' or '}'"`.
    public var expected: String

    public var description: String { "expected \(expected) at byte \(offset)" }
}

/// A small UTF-8 JSON scanner that reports where values are instead of decoding them.
///
/// Hand-written because no maintained Swift package exposes byte offsets of JSON members: rotor must rewrite
/// a few top-level members of a request body and keep every other byte (key order, whitespace, the spelling of
/// numbers such as 30-digit integers) exactly as the client sent it. Values are skipped structurally; full
/// validation is left to `JSONDecoder`.
public struct JSONScanner: Sendable {
    /// The text being scanned.
    public let bytes: [UInt8]

    /// Scans `bytes`.
    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The layout of the document when it is one object, possibly surrounded by whitespace.
    public func documentObject() throws(JSONScanError) -> JSONObjectLayout {
        let start = skipWhitespace(from: 0)
        let object = try object(at: start)
        let end = skipWhitespace(from: object.range.upperBound)
        guard end == bytes.count else { throw JSONScanError(offset: end, expected: "the end of the document") }
        return object
    }

    /// The layout of the object that starts at `offset` (which must hold `{`).
    public func object(at offset: Int) throws(JSONScanError) -> JSONObjectLayout {
        guard byte(at: offset) == UInt8(ascii: "{") else { throw JSONScanError(offset: offset, expected: "'{'") }
        var members: [JSONMember] = []
        var index = skipWhitespace(from: offset + 1)
        if byte(at: index) == UInt8(ascii: "}") {
            return JSONObjectLayout(range: offset..<(index + 1), members: members)
        }
        while true {
            let keyStart = index
            let (key, keyEnd) = try string(at: keyStart)
            index = skipWhitespace(from: keyEnd)
            guard byte(at: index) == UInt8(ascii: ":") else { throw JSONScanError(offset: index, expected: "':'") }
            let valueStart = skipWhitespace(from: index + 1)
            let valueEnd = try endOfValue(at: valueStart)
            members.append(JSONMember(key: key, keyRange: keyStart..<keyEnd, valueRange: valueStart..<valueEnd))
            index = skipWhitespace(from: valueEnd)
            switch byte(at: index) {
            case UInt8(ascii: ","):
                index = skipWhitespace(from: index + 1)
            case UInt8(ascii: "}"):
                return JSONObjectLayout(range: offset..<(index + 1), members: members)
            default:
                throw JSONScanError(offset: index, expected: "',' or '}'")
            }
        }
    }

    /// The layout of the array that starts at `offset` (which must hold `[`).
    public func array(at offset: Int) throws(JSONScanError) -> JSONArrayLayout {
        guard byte(at: offset) == UInt8(ascii: "[") else { throw JSONScanError(offset: offset, expected: "'['") }
        var elements: [Range<Int>] = []
        var index = skipWhitespace(from: offset + 1)
        if byte(at: index) == UInt8(ascii: "]") {
            return JSONArrayLayout(range: offset..<(index + 1), elements: elements)
        }
        while true {
            let end = try endOfValue(at: index)
            elements.append(index..<end)
            index = skipWhitespace(from: end)
            switch byte(at: index) {
            case UInt8(ascii: ","):
                index = skipWhitespace(from: index + 1)
            case UInt8(ascii: "]"):
                return JSONArrayLayout(range: offset..<(index + 1), elements: elements)
            default:
                throw JSONScanError(offset: index, expected: "',' or ']'")
            }
        }
    }

    /// The decoded string that starts at `offset` (which must hold `"`), and the offset just past its closing quote.
    public func string(at offset: Int) throws(JSONScanError) -> (value: String, end: Int) {
        guard byte(at: offset) == UInt8(ascii: "\"") else { throw JSONScanError(offset: offset, expected: "'\"'") }
        var decoded: [UInt8] = []
        var index = offset + 1
        while let current = byte(at: index) {
            switch current {
            case UInt8(ascii: "\""):
                return (String(decoding: decoded, as: UTF8.self), index + 1)
            case UInt8(ascii: "\\"):
                index = try appendEscape(at: index, to: &decoded)
            case 0..<0x20:
                throw JSONScanError(offset: index, expected: "an escaped control character")
            default:
                decoded.append(current)
                index += 1
            }
        }
        throw JSONScanError(offset: index, expected: "'\"'")
    }

    /// The offset just past the value that starts at `offset`.
    public func endOfValue(at offset: Int) throws(JSONScanError) -> Int {
        guard let first = byte(at: offset) else { throw JSONScanError(offset: offset, expected: "a value") }
        switch first {
        case UInt8(ascii: "\""):
            return try endOfString(at: offset)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            return try endOfContainer(at: offset)
        case UInt8(ascii: "t"):
            return try endOfLiteral("true", at: offset)
        case UInt8(ascii: "f"):
            return try endOfLiteral("false", at: offset)
        case UInt8(ascii: "n"):
            return try endOfLiteral("null", at: offset)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return endOfNumber(at: offset)
        default:
            throw JSONScanError(offset: offset, expected: "a value")
        }
    }

    /// The first offset at or after `offset` that is not JSON whitespace.
    public func skipWhitespace(from offset: Int) -> Int {
        var index = offset
        while let current = byte(at: index), Self.isWhitespace(current) { index += 1 }
        return index
    }

    private func byte(at index: Int) -> UInt8? {
        index < bytes.count ? bytes[index] : nil
    }

    private func endOfString(at offset: Int) throws(JSONScanError) -> Int {
        var index = offset + 1
        while let current = byte(at: index) {
            switch current {
            case UInt8(ascii: "\""): return index + 1
            case UInt8(ascii: "\\"): index += 2
            default: index += 1
            }
        }
        throw JSONScanError(offset: bytes.count, expected: "'\"'")
    }

    /// Skips nested objects and arrays iteratively, so deep nesting cannot overflow the stack.
    private func endOfContainer(at offset: Int) throws(JSONScanError) -> Int {
        var closers: [UInt8] = []
        var index = offset
        while let current = byte(at: index) {
            switch current {
            case UInt8(ascii: "\""):
                index = try endOfString(at: index)
                continue
            case UInt8(ascii: "{"):
                closers.append(UInt8(ascii: "}"))
            case UInt8(ascii: "["):
                closers.append(UInt8(ascii: "]"))
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                guard closers.last == current else {
                    throw JSONScanError(offset: index, expected: "'\(Character(Unicode.Scalar(closers.last ?? current)))'")
                }
                closers.removeLast()
                if closers.isEmpty { return index + 1 }
            default:
                break
            }
            index += 1
        }
        throw JSONScanError(offset: bytes.count, expected: "the end of a container")
    }

    private func endOfLiteral(_ literal: StaticString, at offset: Int) throws(JSONScanError) -> Int {
        let count = literal.utf8CodeUnitCount
        guard offset + count <= bytes.count else { throw JSONScanError(offset: offset, expected: "'\(literal)'") }
        for position in 0..<count where bytes[offset + position] != literal.utf8Start[position] {
            throw JSONScanError(offset: offset, expected: "'\(literal)'")
        }
        return offset + count
    }

    private func endOfNumber(at offset: Int) -> Int {
        var index = offset
        while let current = byte(at: index), Self.isNumberByte(current) { index += 1 }
        return index
    }

    private func appendEscape(at index: Int, to decoded: inout [UInt8]) throws(JSONScanError) -> Int {
        guard let escaped = byte(at: index + 1) else { throw JSONScanError(offset: index + 1, expected: "an escape") }
        switch escaped {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): decoded.append(escaped)
        case UInt8(ascii: "b"): decoded.append(0x08)
        case UInt8(ascii: "f"): decoded.append(0x0C)
        case UInt8(ascii: "n"): decoded.append(0x0A)
        case UInt8(ascii: "r"): decoded.append(0x0D)
        case UInt8(ascii: "t"): decoded.append(0x09)
        case UInt8(ascii: "u"):
            return try appendUnicodeEscape(at: index, to: &decoded)
        default:
            throw JSONScanError(offset: index + 1, expected: "a valid escape")
        }
        return index + 2
    }

    private func appendUnicodeEscape(at index: Int, to decoded: inout [UInt8]) throws(JSONScanError) -> Int {
        let high = try hexQuad(at: index + 2)
        var end = index + 6
        var scalarValue = high
        if (0xD800..<0xDC00).contains(high), byte(at: end) == UInt8(ascii: "\\"), byte(at: end + 1) == UInt8(ascii: "u") {
            let low = try hexQuad(at: end + 2)
            if (0xDC00..<0xE000).contains(low) {
                scalarValue = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                end += 6
            }
        }
        let scalar = Unicode.Scalar(scalarValue) ?? "\u{FFFD}"
        decoded.append(contentsOf: String(Character(scalar)).utf8)
        return end
    }

    private func hexQuad(at offset: Int) throws(JSONScanError) -> UInt32 {
        guard offset + 4 <= bytes.count else { throw JSONScanError(offset: offset, expected: "four hex digits") }
        var value: UInt32 = 0
        for position in offset..<(offset + 4) {
            guard let digit = Self.hexValue(bytes[position]) else {
                throw JSONScanError(offset: position, expected: "a hex digit")
            }
            value = value << 4 | digit
        }
        return value
    }

    private static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    private static func isNumberByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."),
            UInt8(ascii: "e"), UInt8(ascii: "E"):
            true
        default:
            false
        }
    }
}
