import Foundation
import RotorCore
import RotorProxy
import RotorTestSupport
import Testing

/// The request invariants on a live proxy, with real Codex 0.163.0 captures.
struct ProxyInvariantTests {
    static let captures = [
        "b_ok.json", "b_ok_gpt55.json", "b_resume_second_turn.json", "b_tool_call_turn_state.json",
        "a2_ok_custom_provider_chatgpt_auth.json", "a_ok_builtin_provider.json",
    ]

    /// The raw bytes of every create-response body in a capture file (its `body` members, as written there).
    static func captureBodies(_ name: String) throws -> [[UInt8]] {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil))
        let bytes = Array(try Data(contentsOf: url))
        let scanner = JSONScanner(bytes)
        let entries = try scanner.array(at: scanner.skipWhitespace(from: 0))
        return try entries.elements.compactMap { element in
            let entry = try scanner.object(at: element.lowerBound)
            guard let body = entry.member("body"), bytes[body.valueRange.lowerBound] == UInt8(ascii: "{") else { return nil }
            return Array(bytes[body.valueRange])
        }
    }

    /// Real Codex requests already satisfy the invariants: they reach the upstream byte for byte.
    @Test(arguments: captures)
    func passesCapturesThroughUnchanged(name: String) async throws {
        let bodies = try Self.captureBodies(name)
        #expect(!bodies.isEmpty)
        try await withTimeout(.seconds(60)) {
            try await FakeUpstream.run(handler: { _ in SSE.response(SSE.okStream) }) { upstream in
                try await withProxy(upstreamURL: upstream.baseURL) { proxy in
                    for body in bodies {
                        let response = try await proxy.send(proxy.request(body: String(decoding: body, as: UTF8.self)))
                        #expect(response.status == 200)
                    }
                    #expect(upstream.log.all.map(\.body) == bodies)
                }
            }
        }
    }

    /// Captures with the invariant members altered come back to exactly the original bytes of those members.
    @Test(arguments: captures)
    func restoresAlteredCaptures(name: String) throws {
        for body in try Self.captureBodies(name) {
            let text = String(decoding: body, as: UTF8.self)
            let altered = text.replacingOccurrences(of: #""stream": true"#, with: #""stream": false"#)
                .replacingOccurrences(of: #""store": false"#, with: #""store": true"#)
            #expect(altered != text)
            let rewritten = try RequestInvariants.enforce(on: Array(altered.utf8))
            #expect(rewritten.body == body)
        }
    }

    /// The proxy rewrites a non-conforming body before sending it upstream.
    @Test func rewritesBodiesOnTheWire() async throws {
        let body = #"{"model":"m","n":123456789012345678901234567890,"store":true}"#
        try await withTimeout(.seconds(30)) {
            try await FakeUpstream.run(handler: { _ in SSE.response(SSE.okStream) }) { upstream in
                try await withProxy(upstreamURL: upstream.baseURL) { proxy in
                    _ = try await proxy.send(proxy.request(body: body))
                    let sent = try #require(upstream.log.all.first).body
                    #expect(
                        String(decoding: sent, as: UTF8.self)
                            == #"{"model":"m","n":123456789012345678901234567890,"store":false,"stream":true,"include":["reasoning.encrypted_content"]}"#
                    )
                }
            }
        }
    }

    /// Bodies that cannot be forwarded get a 400 naming the problem, and no upstream request.
    @Test(arguments: [
        ("[1]", "invalid_request_body"), ("{", "invalid_json"), (#"{"previous_response_id":"resp_1"}"#, "previous_response_id_unsupported"),
        (#"{"model":"gpt-5.5","input":[{"role":"user","content":"hi"},],"stream":true}"#, "invalid_json"),
    ])
    func refusesBadBodies(body: String, code: String) async throws {
        try await withTimeout(.seconds(30)) {
            try await FakeUpstream.run(handler: { _ in SSE.response(SSE.okStream) }) { upstream in
                try await withProxy(upstreamURL: upstream.baseURL) { proxy in
                    let response = try await proxy.send(proxy.request(body: body))
                    #expect(response.status == 400)
                    #expect(response.body.contains(#""code":"\#(code)""#))
                    #expect(upstream.log.all.isEmpty)
                }
            }
        }
    }

    /// Invalid JSON in a member rotor does not rewrite gets a 400 that says where, and never reaches the upstream.
    @Test func refusesInvalidJSONInMembersItDoesNotRewrite() async throws {
        let body = #"{"model":"gpt-5.5","input":"hi","temperature":01}"#
        try await withTimeout(.seconds(30)) {
            try await FakeUpstream.run(handler: { _ in SSE.response(SSE.okStream) }) { upstream in
                try await withProxy(upstreamURL: upstream.baseURL) { proxy in
                    let response = try await proxy.send(proxy.request(body: body))
                    #expect(response.status == 400)
                    #expect(response.body.contains(#""code":"invalid_json""#))
                    #expect(response.body.contains("not valid JSON at byte 47: expected a number without leading zeros"))
                    #expect(upstream.log.all.isEmpty)
                }
            }
        }
    }
}
