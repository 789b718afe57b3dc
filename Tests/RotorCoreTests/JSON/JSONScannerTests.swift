import RotorCore
import Testing

struct JSONScannerTests {
    private func text(_ bytes: [UInt8], _ range: Range<Int>) -> String {
        String(decoding: bytes[range], as: UTF8.self)
    }

    /// Expects `scan` to fail at `offset` with `expected`.
    private func expectError(
        at offset: Int,
        _ expected: String,
        sourceLocation: SourceLocation = #_sourceLocation,
        _ scan: () throws -> Void
    ) {
        let error = #expect(throws: JSONScanError.self, sourceLocation: sourceLocation) { try scan() }
        #expect(error?.offset == offset, sourceLocation: sourceLocation)
        #expect(error?.expected == expected, sourceLocation: sourceLocation)
    }

    /// Members are found with their exact value bytes, nested values skipped whole.
    @Test func locatesTopLevelMembers() throws {
        let bytes = Array(#" { "a" : [1, {"b": "}"}] , "c\"d":"x\\", "e": -1.5e+3 } "#.utf8)
        let object = try JSONScanner(bytes).documentObject()
        #expect(object.members.map(\.key) == ["a", "c\"d", "e"])
        #expect(text(bytes, object.members[0].valueRange) == #"[1, {"b": "}"}]"#)
        #expect(text(bytes, object.members[1].keyRange) == #""c\"d""#)
        #expect(text(bytes, object.members[1].valueRange) == #""x\\""#)
        #expect(text(bytes, object.members[2].valueRange) == "-1.5e+3")
    }

    /// Escaped keys are compared decoded.
    @Test func decodesEscapedKeys() throws {
        let bytes = Array(#"{"\u0073tream":true,"\ud83d\ude00":1}"#.utf8)
        let object = try JSONScanner(bytes).documentObject()
        #expect(object.members.map(\.key) == ["stream", "😀"])
    }

    /// Malformed documents report where they break.
    @Test(arguments: [
        (#"{"a":1"#, 6), (#"{"a" 1}"#, 5), (#"{"a":1,}"#, 7), (#"{"a":1} x"#, 8), (#"{"a":tru}"#, 5), ("", 0),
    ])
    func reportsTheOffsetOfAnError(input: String, offset: Int) {
        #expect(throws: JSONScanError.self) { try JSONScanner(Array(input.utf8)).documentObject() }
        do {
            _ = try JSONScanner(Array(input.utf8)).documentObject()
        } catch {
            #expect(error.offset == offset)
        }
    }

    /// Nesting is followed without recursion up to 512 levels (the document's object is the first); an array or
    /// object one level deeper is refused where it opens, however deep the rest goes.
    @Test func limitsTheNestingDepth() throws {
        func nested(_ depth: Int, _ opener: String, _ innermost: String, _ closer: String) -> [UInt8] {
            let value = String(repeating: opener, count: depth) + innermost + String(repeating: closer, count: depth)
            return Array("{\"a\":\(value)}".utf8)
        }
        let deepest = try JSONScanner(nested(511, "[", "", "]")).documentObject()
        #expect(deepest.members.first?.valueRange.count == 2 * 511)
        let deepestObjects = try JSONScanner(nested(511, #"{"b":"#, "0", "}")).documentObject()
        #expect(deepestObjects.members.first?.valueRange.count == 6 * 511 + 1)
        let tooDeep = "at most 512 nested arrays and objects"
        for depth in [512, 100_000] {
            expectError(at: 5 + 511, tooDeep) { _ = try JSONScanner(nested(depth, "[", "", "]")).documentObject() }
        }
        expectError(at: 5 + 5 * 511, tooDeep) { _ = try JSONScanner(nested(512, #"{"b":"#, "0", "}")).documentObject() }
        let bareArrays = Array((String(repeating: "[", count: 513) + String(repeating: "]", count: 513)).utf8)
        expectError(at: 512, tooDeep) { _ = try JSONScanner(bareArrays).endOfValue(at: 0) }
    }

    /// Every byte of a document is checked against the JSON grammar (RFC 8259), also inside the values that are only
    /// skipped: the first byte that breaks it is reported with what the grammar allows there.
    @Test(arguments: [
        (#"{"a":01}"#, 6, "a number without leading zeros"),
        (#"{"a":[-00]}"#, 8, "a number without leading zeros"),
        (#"{"a":-}"#, 6, "a digit"),
        (#"{"a":-x}"#, 6, "a digit"),
        (#"{"a":1.}"#, 7, "a digit"),
        (#"{"a":[1.e5]}"#, 8, "a digit"),
        (#"{"a":1e}"#, 7, "a digit"),
        (#"{"a":1E+}"#, 8, "a digit"),
        (#"{"a":{"b":2e-x}}"#, 13, "a digit"),
        (#"{"a":.5}"#, 5, "a value"),
        (#"{"a":+1}"#, 5, "a value"),
        (#"{"a":1.5.5}"#, 8, "',' or '}'"),
        (#"{"a":0x1}"#, 6, "',' or '}'"),
        (#"{"a":[1,NaN]}"#, 8, "a value"),
        (#"{"a":-Infinity}"#, 6, "a digit"),
        ("{\"a\":\"x\ty\"}", 7, "an escaped control character"),
        ("{\"a\":[{\"b\":\"x\ny\"}]}", 13, "an escaped control character"),
        ("{\"a\":\"\u{0}\"}", 6, "an escaped control character"),
        ("{\"a\":\"\u{1F}\"}", 6, "an escaped control character"),
        (#"{"a":"\q"}"#, 7, "a valid escape"),
        (#"{"a":["\U0041"]}"#, 8, "a valid escape"),
        (#"{"a":"\'"}"#, 7, "a valid escape"),
        (#"{"\x":1}"#, 3, "a valid escape"),
        (#"{"a":"\u12"}"#, 10, "a hex digit"),
        (#"{"a":"\uZZZZ"}"#, 8, "a hex digit"),
        (#"{"a":"abc"#, 9, #"'"'"#),
        (#"{"a":["x]}"#, 10, #"'"'"#),
        (#"{"a":[1 2]}"#, 8, "',' or ']'"),
        (#"{"a":[1,]}"#, 8, "a value"),
        (#"{"a":[,1]}"#, 6, "a value or ']'"),
        (#"{"a":[}"#, 6, "a value or ']'"),
        (#"{"a":[1}"#, 7, "',' or ']'"),
        (#"{"a":[[1]"#, 9, "',' or ']'"),
        (#"{"a":{"b":1,}}"#, 12, "a quoted member name"),
        (#"{"a":{"b" 1}}"#, 10, "':'"),
        (#"{"a":{"b":}}"#, 10, "a value"),
        (#"{"a":{1:2}}"#, 6, "a quoted member name or '}'"),
        (#"{"a":{"b":1]}"#, 11, "',' or '}'"),
        (#"{"a":1,}"#, 7, "a quoted member name"),
        (#"{,}"#, 1, "a quoted member name or '}'"),
        (#"{a:1}"#, 1, "a quoted member name or '}'"),
        (#"{"a":1 "b":2}"#, 7, "',' or '}'"),
        (#"{"a"}"#, 4, "':'"),
        (#"{"a":{"b":["#, 11, "a value or ']'"),
        (#"{"a":tru}"#, 5, "'true'"),
        (#"{"a":[fals]}"#, 6, "'false'"),
        (#"{"a":{"b":nul}}"#, 10, "'null'"),
        (#"{"a":True}"#, 5, "a value"),
        (#"{"a":[truex]}"#, 10, "',' or ']'"),
        (#"{"a":nulll}"#, 9, "',' or '}'"),
        (#"{"a":1} x"#, 8, "the end of the document"),
        (#"{}{}"#, 2, "the end of the document"),
        ("{}\u{0C}", 2, "the end of the document"),
        ("{\u{0B}}", 1, "a quoted member name or '}'"),
        ("{\"a\":\u{A0}1}", 5, "a value"),
    ])
    func refusesInvalidJSONAnywhere(input: String, offset: Int, expected: String) {
        expectError(at: offset, expected) { _ = try JSONScanner(Array(input.utf8)).documentObject() }
    }

    /// Strings must be well-formed UTF-8 (no stray continuation byte, overlong form, surrogate or code point past
    /// U+10FFFF); the offset is that of the first byte that cannot continue the sequence.
    @Test(arguments: [
        ([0xFF], 0), ([0x80], 0), ([0xC0, 0x80], 0), ([0xC1, 0xBF], 0), ([0xE0, 0x80, 0x80], 1), ([0xED, 0xA0, 0x80], 1),
        ([0xF0, 0x80, 0x80, 0x80], 1), ([0xF4, 0x90, 0x80, 0x80], 1), ([0xF5, 0x80, 0x80, 0x80], 0), ([0xE2, 0x82], 2),
        ([0xC3, 0x41], 1), ([0x41, 0xF0, 0x9F, 0x98], 4),
    ] as [([UInt8], Int)])
    func refusesInvalidUTF8InStrings(content: [UInt8], offset: Int) {
        let document = Array(#"{"a":["#.utf8) + [UInt8(ascii: "\"")] + content + Array(#""]}"#.utf8)
        expectError(at: 7 + offset, "valid UTF-8") { _ = try JSONScanner(document).documentObject() }
    }

    /// Valid edge cases pass, each value located with its exact bytes.
    @Test(arguments: [
        "-0", "0", "1e5", "1E+5", "2e-5", "0.5", "-0.0e-0", "-1.5E-10", "123456789012345678901234567890", "1e400",
        #""\u00e9""#, #""\uD83D\uDE00""#, #""\ud800""#, #""\"\\\/\b\f\n\r\t""#, #""""#, "\"é€😀\u{10FFFF}\u{7F}\"",
        "[[[]],[[1,[2]]]]", "[]", "{}", #"{"":{"":[]}}"#, "[true,false,null]", #"{"x":"y","x":"z"}"#,
        "[ \t\r\n1 \t\r\n, \t\r\n{ \t\r\n\"k\" \t\r\n: \t\r\n[ \t\r\n] \t\r\n} \t\r\n]",
    ])
    func acceptsValidValues(value: String) throws {
        let bytes = Array(" \t\r\n{ \t\r\n\"a\" \t\r\n: \t\r\n\(value) \t\r\n, \t\r\n\"b\":\(value)} \t\r\n".utf8)
        let object = try JSONScanner(bytes).documentObject()
        #expect(object.members.map { text(bytes, $0.valueRange) } == [value, value])
    }

    /// Arrays report each element's bytes.
    @Test func locatesArrayElements() throws {
        let bytes = Array(#"[ 1 , "two" ,{"3":[]} ]"#.utf8)
        let array = try JSONScanner(bytes).array(at: 0)
        #expect(array.elements.map { text(bytes, $0) } == ["1", #""two""#, #"{"3":[]}"#])
    }
}
