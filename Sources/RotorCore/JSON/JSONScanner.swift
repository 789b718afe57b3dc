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

/// A small UTF-8 JSON scanner that validates a document and reports where values are instead of decoding them.
///
/// Hand-written because no maintained Swift package exposes byte offsets of JSON members: rotor must rewrite
/// a few top-level members of a request body and keep every other byte (key order, whitespace, the spelling of
/// numbers such as 30-digit integers) exactly as the client sent it. Every value it passes over is checked against
/// the JSON grammar (RFC 8259) in the same pass: numbers without leading zeros, strings of well-formed UTF-8 with
/// only the legal escapes and no raw control characters, commas between values, no trailing comma, exact literals.
/// Nested values are followed with a fixed-size stack, so nesting costs no recursion and no allocation, and a
/// value nested deeper than ``maximumDepth`` is refused.
public struct JSONScanner: Sendable {
    /// How many arrays and objects may enclose one another (a document's object counts as the first).
    public static let maximumDepth = 512

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

    /// The layout of the object that starts at `offset` (which must hold `{`); its members' values are validated.
    public func object(at offset: Int) throws(JSONScanError) -> JSONObjectLayout {
        guard byte(at: offset) == UInt8(ascii: "{") else { throw JSONScanError(offset: offset, expected: "'{'") }
        var members: [JSONMember] = []
        var index = skipWhitespace(from: offset + 1)
        if byte(at: index) == UInt8(ascii: "}") {
            return JSONObjectLayout(range: offset..<(index + 1), members: members)
        }
        var expectedName = Expected.nameOrEnd
        while true {
            guard byte(at: index) == UInt8(ascii: "\"") else {
                throw JSONScanError(offset: index, expected: expectedName)
            }
            let keyStart = index
            let (key, keyEnd) = try string(at: keyStart)
            let valueStart = try startOfValue(afterName: keyEnd)
            let valueEnd = try endOfValue(at: valueStart, depth: 1, expected: Expected.value)
            members.append(JSONMember(key: key, keyRange: keyStart..<keyEnd, valueRange: valueStart..<valueEnd))
            index = skipWhitespace(from: valueEnd)
            switch byte(at: index) {
            case UInt8(ascii: ","):
                index = skipWhitespace(from: index + 1)
                expectedName = Expected.name
            case UInt8(ascii: "}"):
                return JSONObjectLayout(range: offset..<(index + 1), members: members)
            default:
                throw JSONScanError(offset: index, expected: Expected.commaOrObjectEnd)
            }
        }
    }

    /// The layout of the array that starts at `offset` (which must hold `[`); its elements are validated.
    public func array(at offset: Int) throws(JSONScanError) -> JSONArrayLayout {
        guard byte(at: offset) == UInt8(ascii: "[") else { throw JSONScanError(offset: offset, expected: "'['") }
        var elements: [Range<Int>] = []
        var index = skipWhitespace(from: offset + 1)
        if byte(at: index) == UInt8(ascii: "]") {
            return JSONArrayLayout(range: offset..<(index + 1), elements: elements)
        }
        var expected = Expected.valueOrArrayEnd
        while true {
            let end = try endOfValue(at: index, depth: 1, expected: expected)
            elements.append(index..<end)
            index = skipWhitespace(from: end)
            switch byte(at: index) {
            case UInt8(ascii: ","):
                index = skipWhitespace(from: index + 1)
                expected = Expected.value
            case UInt8(ascii: "]"):
                return JSONArrayLayout(range: offset..<(index + 1), elements: elements)
            default:
                throw JSONScanError(offset: index, expected: Expected.commaOrArrayEnd)
            }
        }
    }

    /// The decoded string that starts at `offset` (which must hold `"`), and the offset just past its closing quote.
    ///
    /// An escaped lone surrogate (`\ud800`), which the grammar allows, decodes to U+FFFD.
    public func string(at offset: Int) throws(JSONScanError) -> (value: String, end: Int) {
        guard byte(at: offset) == UInt8(ascii: "\"") else { throw JSONScanError(offset: offset, expected: "'\"'") }
        let end = try endOfString(at: offset)
        return (decodedString(in: (offset + 1)..<(end - 1)), end)
    }

    /// The offset just past the value that starts at `offset`, after checking the whole value.
    public func endOfValue(at offset: Int) throws(JSONScanError) -> Int {
        try endOfValue(at: offset, depth: 0, expected: Expected.value)
    }

    /// The first offset at or after `offset` that is not JSON whitespace.
    public func skipWhitespace(from offset: Int) -> Int {
        var index = offset
        while let current = byte(at: index), Self.isWhitespace(current) { index += 1 }
        return index
    }

    /// What the grammar allows at a place, as said in errors.
    private enum Expected {
        static let value = "a value"
        static let valueOrArrayEnd = "a value or ']'"
        static let name = "a quoted member name"
        static let nameOrEnd = "a quoted member name or '}'"
        static let commaOrObjectEnd = "',' or '}'"
        static let commaOrArrayEnd = "',' or ']'"
        static let digit = "a digit"
        static let shallowerNesting = "at most \(JSONScanner.maximumDepth) nested arrays and objects"
    }

    private func byte(at index: Int) -> UInt8? {
        index < bytes.count ? bytes[index] : nil
    }

    /// The end of the value at `offset`, which `depth` arrays and objects enclose; `expected` says what may stand
    /// at `offset` when no value does.
    ///
    /// One loop over the bytes: a value opens a container (pushed on `open`) or is a scalar; after a scalar or a
    /// closed container, the innermost open container takes a ',' (then the next member or element) or its closer.
    private func endOfValue(at offset: Int, depth: Int, expected firstExpected: String) throws(JSONScanError) -> Int {
        var open = OpenContainers()
        var index = offset
        var expected = firstExpected
        nextValue: while true {
            guard let first = byte(at: index) else { throw JSONScanError(offset: index, expected: expected) }
            switch first {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                guard depth + open.count < Self.maximumDepth else {
                    throw JSONScanError(offset: index, expected: Expected.shallowerNesting)
                }
                let kind: OpenContainers.Kind = first == UInt8(ascii: "{") ? .object : .array
                index = skipWhitespace(from: index + 1)
                if byte(at: index) == kind.closer {
                    index += 1
                    break
                }
                open.push(kind)
                switch kind {
                case .object:
                    index = try startOfValue(afterNameAt: index, expected: Expected.nameOrEnd)
                    expected = Expected.value
                case .array:
                    expected = Expected.valueOrArrayEnd
                }
                continue nextValue
            case UInt8(ascii: "\""):
                index = try endOfString(at: index)
            case UInt8(ascii: "t"):
                index = try endOfLiteral("true", at: index)
            case UInt8(ascii: "f"):
                index = try endOfLiteral("false", at: index)
            case UInt8(ascii: "n"):
                index = try endOfLiteral("null", at: index)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                index = try endOfNumber(at: index)
            default:
                throw JSONScanError(offset: index, expected: expected)
            }
            while let kind = open.innermost {
                index = skipWhitespace(from: index)
                let current = byte(at: index)
                if current == UInt8(ascii: ",") {
                    index = skipWhitespace(from: index + 1)
                    if kind == .object {
                        index = try startOfValue(afterNameAt: index, expected: Expected.name)
                    }
                    expected = Expected.value
                    continue nextValue
                }
                guard current == kind.closer else {
                    let expected = kind == .object ? Expected.commaOrObjectEnd : Expected.commaOrArrayEnd
                    throw JSONScanError(offset: index, expected: expected)
                }
                open.pop()
                index += 1
            }
            return index
        }
    }

    /// Where the value of the member whose name starts at `offset` starts, past the name, ':' and whitespace.
    private func startOfValue(afterNameAt offset: Int, expected: String) throws(JSONScanError) -> Int {
        guard byte(at: offset) == UInt8(ascii: "\"") else { throw JSONScanError(offset: offset, expected: expected) }
        return try startOfValue(afterName: endOfString(at: offset))
    }

    /// Where a member's value starts, given the end of its name: past whitespace, ':' and whitespace.
    private func startOfValue(afterName nameEnd: Int) throws(JSONScanError) -> Int {
        let colon = skipWhitespace(from: nameEnd)
        guard byte(at: colon) == UInt8(ascii: ":") else { throw JSONScanError(offset: colon, expected: "':'") }
        return skipWhitespace(from: colon + 1)
    }

    /// The offset just past the string that starts at `offset` (which holds `"`), after checking its escapes and
    /// its UTF-8.
    private func endOfString(at offset: Int) throws(JSONScanError) -> Int {
        var index = offset + 1
        while index < bytes.count {
            let current = bytes[index]
            if current == UInt8(ascii: "\"") { return index + 1 }
            if current == UInt8(ascii: "\\") {
                index = try endOfEscape(at: index)
            } else if current < 0x20 {
                throw JSONScanError(offset: index, expected: "an escaped control character")
            } else if current < 0x80 {
                index += 1
            } else {
                index = try endOfMultiByteCharacter(at: index)
            }
        }
        throw JSONScanError(offset: bytes.count, expected: "'\"'")
    }

    /// The offset just past the escape whose backslash is at `index`.
    private func endOfEscape(at index: Int) throws(JSONScanError) -> Int {
        guard let escaped = byte(at: index + 1) else { throw JSONScanError(offset: index + 1, expected: "an escape") }
        switch escaped {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
            UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            return index + 2
        case UInt8(ascii: "u"):
            for position in (index + 2)..<(index + 6) where byte(at: position).flatMap(Self.hexValue) == nil {
                throw JSONScanError(offset: position, expected: "a hex digit")
            }
            return index + 6
        default:
            throw JSONScanError(offset: index + 1, expected: "a valid escape")
        }
    }

    /// The offset just past the UTF-8 sequence of two to four bytes whose lead byte is at `offset`.
    ///
    /// The table of well-formed sequences of RFC 3629 (no overlong forms, no surrogates, nothing past U+10FFFF);
    /// hand-written because the standard library's UTF-8 parser reports the length of a bad sequence, not the byte
    /// that broke it.
    private func endOfMultiByteCharacter(at offset: Int) throws(JSONScanError) -> Int {
        let length: Int
        let second: ClosedRange<UInt8>
        switch bytes[offset] {
        case 0xC2...0xDF: (length, second) = (2, 0x80...0xBF)
        case 0xE0: (length, second) = (3, 0xA0...0xBF)
        case 0xE1...0xEC, 0xEE...0xEF: (length, second) = (3, 0x80...0xBF)
        case 0xED: (length, second) = (3, 0x80...0x9F)
        case 0xF0: (length, second) = (4, 0x90...0xBF)
        case 0xF1...0xF3: (length, second) = (4, 0x80...0xBF)
        case 0xF4: (length, second) = (4, 0x80...0x8F)
        default: throw JSONScanError(offset: offset, expected: "valid UTF-8")
        }
        for position in (offset + 1)..<(offset + length) {
            let allowed = position == offset + 1 ? second : 0x80...0xBF
            guard let current = byte(at: position), allowed.contains(current) else {
                throw JSONScanError(offset: position, expected: "valid UTF-8")
            }
        }
        return offset + length
    }

    private func endOfLiteral(_ literal: StaticString, at offset: Int) throws(JSONScanError) -> Int {
        let count = literal.utf8CodeUnitCount
        guard offset + count <= bytes.count else { throw JSONScanError(offset: offset, expected: "'\(literal)'") }
        for position in 0..<count where bytes[offset + position] != literal.utf8Start[position] {
            throw JSONScanError(offset: offset, expected: "'\(literal)'")
        }
        return offset + count
    }

    /// The offset just past the number at `offset`: '-'?, then '0' or a digit 1-9 and more digits, then '.' and
    /// at least one digit, then 'e' or 'E', an optional sign and at least one digit.
    private func endOfNumber(at offset: Int) throws(JSONScanError) -> Int {
        var index = offset
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard let first = byte(at: index), Self.isDigit(first) else {
            throw JSONScanError(offset: index, expected: Expected.digit)
        }
        if first == UInt8(ascii: "0") {
            index += 1
            if let next = byte(at: index), Self.isDigit(next) {
                throw JSONScanError(offset: index, expected: "a number without leading zeros")
            }
        } else {
            index = endOfDigits(from: index)
        }
        if byte(at: index) == UInt8(ascii: ".") {
            index = try endOfDigits(atLeastOneFrom: index + 1)
        }
        if byte(at: index) == UInt8(ascii: "e") || byte(at: index) == UInt8(ascii: "E") {
            index += 1
            if byte(at: index) == UInt8(ascii: "+") || byte(at: index) == UInt8(ascii: "-") { index += 1 }
            index = try endOfDigits(atLeastOneFrom: index)
        }
        return index
    }

    private func endOfDigits(atLeastOneFrom offset: Int) throws(JSONScanError) -> Int {
        guard let first = byte(at: offset), Self.isDigit(first) else {
            throw JSONScanError(offset: offset, expected: Expected.digit)
        }
        return endOfDigits(from: offset + 1)
    }

    private func endOfDigits(from offset: Int) -> Int {
        var index = offset
        while let current = byte(at: index), Self.isDigit(current) { index += 1 }
        return index
    }

    /// The text of the validated string contents in `range`, escapes decoded.
    private func decodedString(in range: Range<Int>) -> String {
        guard bytes[range].contains(UInt8(ascii: "\\")) else { return String(decoding: bytes[range], as: UTF8.self) }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(range.count)
        var index = range.lowerBound
        while index < range.upperBound {
            let current = bytes[index]
            guard current == UInt8(ascii: "\\") else {
                decoded.append(current)
                index += 1
                continue
            }
            let escaped = bytes[index + 1]
            switch escaped {
            case UInt8(ascii: "b"): decoded.append(0x08)
            case UInt8(ascii: "f"): decoded.append(0x0C)
            case UInt8(ascii: "n"): decoded.append(0x0A)
            case UInt8(ascii: "r"): decoded.append(0x0D)
            case UInt8(ascii: "t"): decoded.append(0x09)
            case UInt8(ascii: "u"):
                index = appendUnicodeEscape(at: index, to: &decoded)
                continue
            default: decoded.append(escaped)
            }
            index += 2
        }
        return String(decoding: decoded, as: UTF8.self)
    }

    /// Appends the character of the validated `\uXXXX` escape at `index` (with its low surrogate, when one follows
    /// a high one) and returns the offset past it.
    private func appendUnicodeEscape(at index: Int, to decoded: inout [UInt8]) -> Int {
        let high = hexQuad(at: index + 2)
        var end = index + 6
        var scalarValue = high
        if (0xD800..<0xDC00).contains(high), byte(at: end) == UInt8(ascii: "\\"), byte(at: end + 1) == UInt8(ascii: "u") {
            let low = hexQuad(at: end + 2)
            if (0xDC00..<0xE000).contains(low) {
                scalarValue = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                end += 6
            }
        }
        let scalar = Unicode.Scalar(scalarValue) ?? "\u{FFFD}"
        decoded.append(contentsOf: String(Character(scalar)).utf8)
        return end
    }

    /// The value of the four hex digits at `offset`, which `endOfEscape` checked.
    private func hexQuad(at offset: Int) -> UInt32 {
        bytes[offset..<(offset + 4)].reduce(0) { $0 << 4 | (Self.hexValue($1) ?? 0) }
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

    private static func isDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}

/// The arrays and objects open around the value being scanned, innermost last: one bit per level in a fixed-size
/// buffer on the stack, so following nested values allocates nothing.
private struct OpenContainers {
    enum Kind {
        case object, array

        var closer: UInt8 { self == .object ? UInt8(ascii: "}") : UInt8(ascii: "]") }
    }

    /// One bit per level, set for an object: 8 × 64 bits cover `JSONScanner.maximumDepth` levels.
    private var objectBits = InlineArray<8, UInt64>(repeating: 0)
    private(set) var count = 0

    /// The innermost open container, if any.
    var innermost: Kind? {
        guard count > 0 else { return nil }
        let level = count - 1
        return objectBits[level >> 6] & (1 << UInt64(level & 63)) != 0 ? .object : .array
    }

    mutating func push(_ kind: Kind) {
        let mask: UInt64 = 1 << UInt64(count & 63)
        switch kind {
        case .object: objectBits[count >> 6] |= mask
        case .array: objectBits[count >> 6] &= ~mask
        }
        count += 1
    }

    mutating func pop() {
        count -= 1
    }
}
