import Foundation
import HTTPTypes
import RotorProxy
import RotorTestSupport
import Testing

/// Which client headers reach the upstream, and what rotor adds.
struct ProxyHeaderTests {
    private static let forwarded: [(String, String)] = [
        ("accept", "text/event-stream"),
        ("originator", "codex_exec"),
        ("user-agent", "codex_exec/0.163.0"),
        ("session-id", "thread-1"),
        ("session_id", "thread-1"),
        ("thread-id", "thread-1"),
        ("conversation_id", "conv-1"),
        ("x-client-request-id", "thread-1"),
        ("version", "0.163.0"),
        ("openai-beta", "responses=v1"),
        ("x-codex-turn-state", "ts-1"),
        ("x-codex-turn-metadata", #"{"turn_id":"t"}"#),
        ("x-codex-window-id", "thread-1:0"),
        ("x-openai-internal-codex-responses-lite", "true"),
    ]

    private static let dropped: [(String, String)] = [
        ("cookie", "session=abc"),
        ("x-api-key", "client-key"),
        ("proxy-authorization", "Basic abc"),
        ("proxy-connection", "keep-alive"),
        ("x-forwarded-for", "10.0.0.1"),
        ("te", "trailers"),
        ("chatgpt-account-id", "acct-forged"),
        ("accept-encoding", "gzip, zstd"),
        ("x-other", "1"),
    ]

    /// The upstream gets exactly the allowlisted client headers plus the account's token, its ChatGPT account
    /// id, `accept-encoding: identity` and the rewritten body's length; never the client's secret.
    @Test func forwardsTheAllowlistAndAddsTheAccount() async throws {
        try await withTimeout(.seconds(30)) {
            try await FakeUpstream.run(handler: { _ in SSE.response(SSE.okStream) }) { upstream in
                try await withProxy(upstreamURL: upstream.baseURL) { proxy in
                    let response = try await proxy.send(proxy.request(body: "{}", headers: Self.forwarded + Self.dropped))
                    #expect(response.status == 200)
                    let received = try #require(upstream.log.all.first)
                    let names = Set(received.headers.map { $0.name.canonicalName })
                    let expected = Set(Self.forwarded.map(\.0)).union([
                        "content-type", "authorization", "chatgpt-account-id", "accept-encoding", "content-length",
                    ])
                    #expect(names == expected)
                    for (name, value) in Self.forwarded { #expect(received.header(name) == value, "\(name)") }
                    #expect(received.header("authorization") == "Bearer at-A")
                    #expect(received.header("chatgpt-account-id") == "acct-A")
                    #expect(received.header("accept-encoding") == "identity")
                    #expect(received.header("content-length") == String(received.body.count))
                    #expect(received.path == "/backend-api/codex/responses")
                    let everything = received.headers.map { "\($0.name): \($0.value)" }.joined() + String(decoding: received.body, as: UTF8.self)
                    #expect(!everything.contains(proxy.secret.text))
                }
            }
        }
    }

    /// A client without `originator` gets Codex's.
    @Test func addsTheOriginatorWhenAbsent() async throws {
        try await withTimeout(.seconds(30)) {
            try await FakeUpstream.run(handler: { _ in SSE.response(SSE.okStream) }) { upstream in
                try await withProxy(upstreamURL: upstream.baseURL) { proxy in
                    _ = try await proxy.send(proxy.request(body: "{}"))
                    #expect(upstream.log.all.first?.header("originator") == "codex_cli_rs")
                }
            }
        }
    }
}
