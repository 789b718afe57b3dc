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
