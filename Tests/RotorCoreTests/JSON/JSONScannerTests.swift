import RotorCore
import Testing

struct JSONScannerTests {
    private func text(_ bytes: [UInt8], _ range: Range<Int>) -> String {
        String(decoding: bytes[range], as: UTF8.self)
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

    /// Deep nesting is skipped without recursion.
    @Test func skipsDeepNesting() throws {
        let depth = 100_000
        let bytes = Array(("{\"a\":" + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}").utf8)
        let object = try JSONScanner(bytes).documentObject()
        #expect(object.members.first?.valueRange.count == 2 * depth)
    }

    /// Arrays report each element's bytes.
    @Test func locatesArrayElements() throws {
        let bytes = Array(#"[ 1 , "two" ,{"3":[]} ]"#.utf8)
        let array = try JSONScanner(bytes).array(at: 0)
        #expect(array.elements.map { text(bytes, $0) } == ["1", #""two""#, #"{"3":[]}"#])
    }
}
