import Foundation
import HummingbirdCore
import NIOCore
import NIOHTTP1
import RotorCore
import RotorProxy
import RotorTestSupport
import Testing

/// rotor's own error answers reach the client with the status, type, code and message the catalogue gives them:
/// one code per status for 500, 502 and 504.
struct ResponseWriterAnswersTests {
    static func expectError(
        _ response: (status: Int, headers: HTTPHeaders, body: String),
        status: Int,
        code: String,
        message: String
    ) throws {
        #expect(response.status == status)
        #expect(response.headers["content-type"].first == "application/json")
        let object = try JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any]
        let error = try #require(object?["error"] as? [String: Any])
        #expect(error["type"] as? String == "server_error")
        #expect(error["code"] as? String == code)
        #expect(error["message"] as? String == message)
    }

    /// An account store that cannot be read: 500 `rotor_internal`, and nothing goes upstream.
    @Test func unreadableStoreIsInternal() async throws {
        try await withTimeout(.seconds(30)) {
            try await FakeUpstream.run(handler: { _ in SSE.response(SSE.okStream) }) { upstream in
                var configuration = try ProxyConfiguration.fromEnvironment([:], secret: ProxySecret.generate())
                configuration.upstreamURL = upstream.baseURL
                try await withTestClient { [configuration] logger, client in
                    try await withRotationProxy(configuration, accounts: UnreadableAccounts(), logger: logger) { endpoint in
                        let proxy = ProxyUnderTest(endpoint: endpoint, secret: configuration.secret, client: client)
                        let response = try await proxy.send(proxy.request(body: #"{"stream":true}"#))
                        try Self.expectError(
                            response, status: 500, code: "rotor_internal",
                            message: "rotor failed while handling the request; try again, and see the rotor log for the cause.")
                    }
                }
                #expect(upstream.log.all.isEmpty)
            }
        }
    }

    /// A client that asked for one JSON answer, whose stream pauses past the idle timeout after its first event:
    /// 504 `rotor_upstream_timeout`.
    @Test func stalledStreamIsUpstreamTimeout() async throws {
        try await withTimeout(.seconds(30)) {
            try await FakeUpstream.run(handler: { _ in
                SSE.streaming { writer in
                    try await writer.write(ByteBuffer(string: SSE.created()))
                    // Keep-alive comments for far longer than the test's bound: only the idle timeout ends it in time.
                    for _ in 0..<900 {
                        try await Task.sleep(for: .milliseconds(100))
                        try await writer.write(ByteBuffer(string: ": "))
                    }
                }
            }) { upstream in
                try await withProxy(upstreamURL: upstream.baseURL, configure: { $0.timeouts.idle = .milliseconds(500) }) { proxy in
                    let response = try await proxy.send(proxy.request(body: "{}"))
                    try Self.expectError(
                        response, status: 504, code: "rotor_upstream_timeout",
                        message: "The upstream stream paused longer than ROTOR_IDLE_TIMEOUT; try again.")
                }
            }
        }
    }

    /// A client that asked for one JSON answer, whose stream ends before its final event: 502
    /// `rotor_upstream_unavailable`.
    @Test func truncatedStreamIsUpstreamUnavailable() async throws {
        try await withTimeout(.seconds(30)) {
            try await FakeUpstream.run(handler: { _ in SSE.response(SSE.created() + SSE.textDelta("x")) }) { upstream in
                try await withProxy(upstreamURL: upstream.baseURL) { proxy in
                    let response = try await proxy.send(proxy.request(body: "{}"))
                    try Self.expectError(
                        response, status: 502, code: "rotor_upstream_unavailable",
                        message: "The upstream stream ended before the response was complete; try again.")
                }
            }
        }
    }
}

/// An account store that cannot be read, as a broken database would be: every call throws.
struct UnreadableAccounts: AccountSource {
    struct Unreadable: Error {}

    func accounts() throws -> [Account] { throw Unreadable() }
    func credentials(for id: AccountID) throws -> AccountCredentials? { throw Unreadable() }
    func usableCredentials(for id: AccountID, rejectedAccessToken: String?, now: Date) async throws -> AccountCredentials {
        throw Unreadable()
    }
    func boundAccount(forConversation key: String, now: Date) throws -> AccountID? { throw Unreadable() }
    func record(_ effects: [RequestRouting.Effect], decisions: [DecisionRecord], now: Date) throws {
        throw Unreadable()
    }
}
