import Foundation
import NIOHTTP1
import RotorCore
import RotorProxy
import RotorTestSupport
import Testing

/// Clients that asked for `stream: false` (or omitted it, the OpenAI SDK default) get one JSON response.
struct ProxyAggregationTests {
    private static let items = [
        #"{"type":"reasoning","id":"rs_1","summary":[],"encrypted_content":"enc"}"#,
        #"{"type":"message","id":"msg_1","role":"assistant","content":[{"type":"output_text","text":"hello"}]}"#,
    ]

    /// The upstream sends `output: []` in `response.completed` and the items only in `output_item.done`
    /// (as the real backend is reported to): the client gets them in `output`, in `output_index` order.
    @Test(arguments: [#"{"stream":false,"model":"m"}"#, #"{"model":"m"}"#])
    func rebuildsTheOutputFromItemEvents(body: String) async throws {
        let stream = SSE.created() + SSE.itemDone(index: 1, item: Self.items[1]) + SSE.itemDone(index: 0, item: Self.items[0])
            + SSE.completed(output: "[]")
        try await withTimeout(.seconds(30)) {
            try await FakeUpstream.run(handler: { _ in SSE.response(stream) }) { upstream in
                try await withProxy(upstreamURL: upstream.baseURL) { proxy in
                    let response = try await proxy.send(proxy.request(body: body, headers: [("accept", "application/json")]))
                    #expect(response.status == 200)
                    #expect(response.headers["content-type"].first == "application/json")
                    #expect(response.headers["content-length"].first == String(response.body.utf8.count))
                    #expect(response.headers["x-rotor-account"].first == FakeAccounts.one.list[0].id.shortID)
                    let object = try #require(try JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any])
                    #expect(object["id"] as? String == "resp_1")
                    let output = try #require(object["output"] as? [[String: Any]])
                    #expect(output.map { $0["id"] as? String } == ["rs_1", "msg_1"])
                    #expect(response.body.contains(#""output":[\#(Self.items[0]),\#(Self.items[1])]"#))
                    #expect(String(decoding: try #require(upstream.log.all.first).body, as: UTF8.self).contains(#""stream":true"#))
                }
            }
        }
    }

    /// A failed response becomes 429 for rate-limit codes and 502 otherwise, with the upstream's error.
    @Test(arguments: [("rate_limit_exceeded", 429), ("server_error", 502)])
    func mapsFailedResponses(code: String, status: Int) async throws {
        try await withTimeout(.seconds(30)) {
            try await FakeUpstream.run(handler: { _ in SSE.response(SSE.created() + SSE.failed(code: code)) }) { upstream in
                try await withProxy(upstreamURL: upstream.baseURL) { proxy in
                    let response = try await proxy.send(proxy.request(body: #"{"stream":false}"#))
                    #expect(response.status == status)
                    #expect(response.body == #"{"error":{"code":"\#(code)","message":"try again in 7s"}}"#)
                }
            }
        }
    }

    /// A failure as the very first event is answered the same way.
    @Test func mapsAFailedFirstEvent() async throws {
        try await withTimeout(.seconds(30)) {
            try await FakeUpstream.run(handler: { _ in SSE.response(SSE.failed(code: "usage_limit_reached")) }) { upstream in
                try await withProxy(upstreamURL: upstream.baseURL) { proxy in
                    let response = try await proxy.send(proxy.request(body: "{}"))
                    #expect(response.status == 429)
                    #expect(response.body.contains("usage_limit_reached"))
                }
            }
        }
    }

    /// A stream that ends before its terminal event is a 502 JSON error, not a truncated answer.
    @Test func reportsIncompleteStreams() async throws {
        try await withTimeout(.seconds(30)) {
            try await FakeUpstream.run(handler: { _ in SSE.response(SSE.created() + SSE.textDelta("x")) }) { upstream in
                try await withProxy(upstreamURL: upstream.baseURL) { proxy in
                    let response = try await proxy.send(proxy.request(body: "{}"))
                    #expect(response.status == 502)
                    #expect(response.body.contains("rotor_upstream_unavailable"))
                }
            }
        }
    }
}
