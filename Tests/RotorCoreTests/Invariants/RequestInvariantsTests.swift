import RotorCore
import Testing

struct RequestInvariantsTests {
    private static let required = #""stream":true,"store":false,"include":["reasoning.encrypted_content"]"#

    /// Each input becomes exactly the expected upstream body: only the invariant members change.
    @Test(arguments: [
        // stream absent / false / null, store absent / true, include absent / empty / other / null / present
        (#"{"model":"m"}"#, #"{"model":"m",\#(required)}"#),
        (#"{"stream":false,"store":false,"include":["reasoning.encrypted_content"]}"#, "{\(required)}"),
        (#"{"stream":null,"store":true,"include":["reasoning.encrypted_content"]}"#, "{\(required)}"),
        (#"{"store":true}"#, #"{"store":false,"stream":true,"include":["reasoning.encrypted_content"]}"#),
        (#"{"stream":true,"store":false,"include":[]}"#, "{\(required)}"),
        (#"{"stream":true,"store":false,"include":null}"#, "{\(required)}"),
        (
            #"{"stream":true,"store":false,"include":["file_search_call.results"]}"#,
            #"{"stream":true,"store":false,"include":["file_search_call.results","reasoning.encrypted_content"]}"#
        ),
        ("{\(required)}", "{\(required)}"),
        ("{}", "{\(required)}"),
        // unknown members, 30-digit integers, exponents, key order and whitespace are kept byte for byte
        (
            #"{ "n" : 123456789012345678901234567890, "x": {"stream": false, "y": [1, 2.50E+3]}, "stream" : false }"#,
            #"{ "n" : 123456789012345678901234567890, "x": {"stream": false, "y": [1, 2.50E+3]}, "stream" : true,"store":false,"include":["reasoning.encrypted_content"] }"#
        ),
        ("{\n  \"model\": \"m\"\n}\n", "{\n  \"model\": \"m\",\(required)\n}\n"),
    ])
    func enforcesInvariants(input: String, expected: String) throws {
        let rewritten = try RequestInvariants.enforce(on: Array(input.utf8))
        #expect(String(decoding: rewritten.body, as: UTF8.self) == expected)
    }

    /// Whether the client wanted a stream is reported before `stream` is forced to true.
    @Test(arguments: [(#"{"stream":true}"#, true), (#"{"stream":false}"#, false), ("{}", false)])
    func reportsTheClientsStreamChoice(input: String, wantsStream: Bool) throws {
        #expect(try RequestInvariants.enforce(on: Array(input.utf8)).clientWantsStream == wantsStream)
    }

    /// The model is read for the decision log; a model that is not a string is left to the upstream to refuse.
    @Test(arguments: [(#"{"model":"gpt-5-codex"}"#, "gpt-5-codex"), (#"{"model":7}"#, nil), ("{}", nil)])
    func readsTheModel(input: String, model: String?) throws {
        #expect(try RequestInvariants.enforce(on: Array(input.utf8)).model == model)
    }

    /// The prompt cache key is read for conversation affinity, and left in the body.
    @Test func readsThePromptCacheKey() throws {
        let rewritten = try RequestInvariants.enforce(on: Array(#"{"prompt_cache_key":"th\u0072ead-1"}"#.utf8))
        #expect(rewritten.promptCacheKey == "thread-1")
        #expect(String(decoding: rewritten.body, as: UTF8.self).hasPrefix(#"{"prompt_cache_key":"th\u0072ead-1","#))
    }

    /// Bodies that cannot be forwarded are refused with a code naming the problem.
    @Test(arguments: [
        ("[]", "invalid_request_body"),
        (#""text""#, "invalid_request_body"),
        ("", "invalid_request_body"),
        (#"{"a":"#, "invalid_json"),
        (#"{"a":1} {}"#, "invalid_json"),
        (#"{"a":[1,}"#, "invalid_json"),
        (#"{"stream":"yes"}"#, "invalid_request_member"),
        (#"{"store":1}"#, "invalid_request_member"),
        (#"{"include":"reasoning.encrypted_content"}"#, "invalid_request_member"),
        (#"{"include":[1]}"#, "invalid_request_member"),
        (#"{"stream":true,"stream":false}"#, "duplicate_request_member"),
        (#"{"previous_response_id":"resp_1"}"#, "previous_response_id_unsupported"),
    ])
    func refusesBadBodies(input: String, code: String) {
        do {
            _ = try RequestInvariants.enforce(on: Array(input.utf8))
            Issue.record("expected \(code)")
        } catch {
            #expect(error.errorCode == code)
            #expect(!error.message.isEmpty)
        }
    }

    /// A body that is not valid JSON is refused even where rotor changes nothing (members it does not rewrite,
    /// nested values), with the byte offset and what the grammar expected there.
    @Test(arguments: [
        (#"{"model":"gpt-5.5","input":"hi","temperature":01}"#, "at byte 47: expected a number without leading zeros"),
        (#"{"model":"m","input":[{"role":"user","content":[{"type":"input_text","text":"hi"},]}]}"#, "at byte 82: expected a value"),
        (#"{"model":"m","tools":[{"parameters":{"type":"object",}}],"stream":true}"#, "at byte 53: expected a quoted member name"),
        (#"{"input":"a\qb"}"#, "at byte 12: expected a valid escape"),
        ("{\"input\":\"line\nbreak\"}", "at byte 14: expected an escaped control character"),
        (#"{"stream":true,"store":false,"include":["reasoning.encrypted_content"],"top_p":1.}"#, "at byte 81: expected a digit"),
        (#"{"model":"m"}]"#, "at byte 13: expected the end of the document"),
        ("{\"metadata\":" + String(repeating: "[", count: 600) + String(repeating: "]", count: 600) + "}",
         "at byte 523: expected at most 512 nested arrays and objects"),
    ])
    func refusesInvalidJSON(input: String, detail: String) {
        do {
            _ = try RequestInvariants.enforce(on: Array(input.utf8))
            Issue.record("expected invalid_json")
        } catch {
            #expect(error.errorCode == "invalid_json")
            #expect(error.message.contains(detail), "\(error.message)")
        }
    }

    /// Bytes that are not UTF-8 inside a string are refused like any other invalid JSON.
    @Test func refusesInvalidUTF8() {
        let body = Array(#"{"input":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
        do {
            _ = try RequestInvariants.enforce(on: body)
            Issue.record("expected invalid_json")
        } catch {
            #expect(error.errorCode == "invalid_json")
            #expect(error.message.contains("at byte 11: expected valid UTF-8"), "\(error.message)")
        }
    }

    /// Valid edge cases anywhere in a conforming body pass, every byte as sent.
    @Test func keepsValidEdgeCasesByteForByte() throws {
        let input = " \t{ \"stream\" : true ,\r\n\"store\":false,\"include\":[ \"reasoning.encrypted_content\" ],"
            + #" "a":-0,"b":[1e5,1E+5,0.5,-0.0e-0,123456789012345678901234567890],"c":"\u00e9\ud83d\ude00é","#
            + #""d":[[[]],[{}],{"e":{"f":[null,true,false]}}],"g":{},"h":[] }"# + "\n"
        let rewritten = try RequestInvariants.enforce(on: Array(input.utf8))
        #expect(rewritten.body == Array(input.utf8))
        #expect(rewritten.changedMembers.isEmpty)
    }

    /// The previous_response_id refusal explains that responses are not stored.
    @Test func explainsPreviousResponseID() {
        #expect(RequestInvariantError.previousResponseID.message.contains("store=false"))
    }

    /// Reasoning input items are removed; every other byte stays.
    @Test func removesReasoningItems() throws {
        let input = #"{"input": [{"type":"message","id":"a"}, {"id":"rs_1","type":"reasoning","encrypted_content":"x"}, {"type":"message","id":"b"}], "n": 1e400}"#
        let output = try RequestInvariants.removingReasoningItems(from: Array(input.utf8))
        #expect(String(decoding: output, as: UTF8.self) == #"{"input": [{"type":"message","id":"a"}, {"type":"message","id":"b"}], "n": 1e400}"#)
    }

    /// A body without reasoning items comes back unchanged.
    @Test(arguments: [#"{"input":"hi"}"#, #"{"input":[]}"#, #"{"input":[{"type":"message"}]}"#, "{}"])
    func keepsBodiesWithoutReasoning(input: String) throws {
        #expect(try RequestInvariants.removingReasoningItems(from: Array(input.utf8)) == Array(input.utf8))
    }
}
