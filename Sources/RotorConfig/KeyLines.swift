/// The line each key of a TOML document is on, by the key's full path (table headers, dotted keys, inline tables).
///
/// TOMLKit reports a position only for a syntax error, not for the keys of a document it parsed, and rotor's errors
/// name the line of the key that is wrong, so this reads the text once more for that. It runs only on text TOMLKit
/// has accepted and knows no more TOML than it needs to find keys: strings (whose contents are skipped), comments,
/// arrays and inline tables. Every step consumes at least one byte, so it ends on any input.
struct KeyLines {
    /// The first line each key path appears on; a dotted key or a header also records each of its prefixes.
    private(set) var lines: [[String]: Int] = [:]

    private let bytes: [UInt8]
    private var index = 0
    private var line = 1

    /// Reads `text`.
    init(scanning text: String) {
        bytes = Array(text.utf8)
        // A byte order mark some editors write first is not part of the first key.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
        scanDocument()
    }

    /// The line of `path`, else of its longest prefix that has one, else 1.
    func line(of path: [String]) -> Int {
        for length in stride(from: path.count, through: 1, by: -1) {
            if let line = lines[Array(path.prefix(length))] { return line }
        }
        return 1
    }

    // MARK: Structure

    private mutating func scanDocument() {
        var table: [String] = []
        while let byte = peek() {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"):
                advance()
            case UInt8(ascii: "#"):
                skipComment()
            case UInt8(ascii: "["):
                table = scanHeader()
            default:
                scanKeyValue(in: table, recording: true)
                skipToLineEnd()
            }
        }
    }

    /// `[a."b"]` or `[[a]]`: records the table's path and returns it.
    private mutating func scanHeader() -> [String] {
        let headerLine = line
        advance()
        if peek() == UInt8(ascii: "[") { advance() }
        let path = scanKey()
        record(path, at: headerLine)
        skipToLineEnd()
        return path
    }

    /// `key = value` inside the table at `prefix`.
    private mutating func scanKeyValue(in prefix: [String], recording: Bool) {
        let keyLine = line
        let key = scanKey()
        if recording { record(prefix + key, at: keyLine) }
        skipSpaces()
        guard peek() == UInt8(ascii: "=") else { return }
        advance()
        skipSpaces()
        scanValue(at: prefix + key, recording: recording)
    }

    private mutating func scanValue(at path: [String], recording: Bool) {
        guard let byte = peek() else { return }
        switch byte {
        case UInt8(ascii: "{"):
            advance()
            while let next = skipBlank(), next != UInt8(ascii: "}") {
                if next == UInt8(ascii: ",") {
                    advance()
                } else {
                    let before = index
                    scanKeyValue(in: path, recording: recording)
                    if index == before { advance() }
                }
            }
            if peek() != nil { advance() }
        case UInt8(ascii: "["):
            advance()
            while let next = skipBlank(), next != UInt8(ascii: "]") {
                if next == UInt8(ascii: ",") {
                    advance()
                } else {
                    let before = index
                    scanValue(at: path, recording: false)
                    if index == before { advance() }
                }
            }
            if peek() != nil { advance() }
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
            _ = scanString()
        default:
            while let next = peek(), !Self.endsBareValue(next) { advance() }
        }
    }

    // MARK: Keys

    /// A dotted key: `a`, `"a b".c`, `'x'.y`; stops before `=`, `]` or anything else that is not part of a key.
    private mutating func scanKey() -> [String] {
        var parts: [String] = []
        while true {
            skipSpaces()
            guard let byte = peek() else { break }
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                parts.append(scanString())
            } else {
                let start = index
                while let next = peek(), !Self.endsBareKey(next) { advance() }
                guard index > start else { break }
                parts.append(String(decoding: bytes[start..<index], as: UTF8.self))
            }
            skipSpaces()
            guard peek() == UInt8(ascii: ".") else { break }
            advance()
        }
        return parts
    }

    /// A basic or literal string, single- or multi-line, decoded (escapes of basic strings applied).
    private mutating func scanString() -> String {
        let quote = bytes[index]
        let multiline = index + 2 < bytes.count && bytes[index + 1] == quote && bytes[index + 2] == quote
        advance(by: multiline ? 3 : 1)
        var decoded: [UInt8] = []
        while let byte = peek() {
            if byte == quote {
                if !multiline {
                    advance()
                    break
                }
                if index + 2 < bytes.count, bytes[index + 1] == quote, bytes[index + 2] == quote {
                    // Up to two quotes may end the string's contents just before its closing three.
                    var run = 3
                    while run < 5, index + run < bytes.count, bytes[index + run] == quote { run += 1 }
                    decoded += Array(repeating: quote, count: run - 3)
                    advance(by: run)
                    break
                }
            }
            if byte == UInt8(ascii: "\n"), !multiline { break }
            if byte == UInt8(ascii: "\\"), quote == UInt8(ascii: "\"") {
                decoded += scanEscape()
            } else {
                decoded.append(byte)
                advance()
            }
        }
        return String(decoding: decoded, as: UTF8.self)
    }

    /// One escape of a basic string, from its backslash.
    private mutating func scanEscape() -> [UInt8] {
        advance()
        guard let letter = peek() else { return [] }
        advance()
        switch letter {
        case UInt8(ascii: "b"): return [0x08]
        case UInt8(ascii: "t"): return [0x09]
        case UInt8(ascii: "n"): return [0x0A]
        case UInt8(ascii: "f"): return [0x0C]
        case UInt8(ascii: "r"): return [0x0D]
        case UInt8(ascii: "e"): return [0x1B]
        case UInt8(ascii: "u"), UInt8(ascii: "U"), UInt8(ascii: "x"):
            let length = letter == UInt8(ascii: "U") ? 8 : letter == UInt8(ascii: "u") ? 4 : 2
            let end = min(index + length, bytes.count)
            let hex = String(decoding: bytes[index..<end], as: UTF8.self)
            advance(by: end - index)
            guard let scalar = UInt32(hex, radix: 16).flatMap(Unicode.Scalar.init) else { return [] }
            return Array(String(Character(scalar)).utf8)
        case UInt8(ascii: "\n"), UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
            // A line-ending backslash trims the whitespace up to the next text (multi-line strings only).
            while let next = peek(), Self.isBlank(next) { advance() }
            return []
        default:
            return [letter]
        }
    }

    // MARK: Bytes

    private func peek() -> UInt8? {
        index < bytes.count ? bytes[index] : nil
    }

    private mutating func advance(by count: Int = 1) {
        for _ in 0..<count where index < bytes.count {
            if bytes[index] == UInt8(ascii: "\n") { line += 1 }
            index += 1
        }
    }

    private mutating func skipSpaces() {
        while let byte = peek(), byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") { advance() }
    }

    private mutating func skipComment() {
        while let byte = peek(), byte != UInt8(ascii: "\n") { advance() }
    }

    /// Skips spaces, newlines and comments; returns the byte after them.
    private mutating func skipBlank() -> UInt8? {
        while let byte = peek() {
            if Self.isBlank(byte) {
                advance()
            } else if byte == UInt8(ascii: "#") {
                skipComment()
            } else {
                return byte
            }
        }
        return nil
    }

    /// Skips what is left of the line (a comment, or anything TOMLKit accepted that this does not read).
    private mutating func skipToLineEnd() {
        while let byte = peek(), byte != UInt8(ascii: "\n") {
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                _ = scanString()
            } else if byte == UInt8(ascii: "#") {
                skipComment()
            } else {
                advance()
            }
        }
    }

    private mutating func record(_ path: [String], at line: Int) {
        for length in stride(from: 1, through: path.count, by: 1) where lines[Array(path.prefix(length))] == nil {
            lines[Array(path.prefix(length))] = line
        }
    }

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
            || byte == UInt8(ascii: "\n")
    }

    private static func endsBareKey(_ byte: UInt8) -> Bool {
        isBlank(byte) || [UInt8(ascii: "."), UInt8(ascii: "="), UInt8(ascii: "]"), UInt8(ascii: "#"),
                          UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "\""), UInt8(ascii: "'")].contains(byte)
    }

    private static func endsBareValue(_ byte: UInt8) -> Bool {
        isBlank(byte) || [UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"), UInt8(ascii: "#")].contains(byte)
    }
}
