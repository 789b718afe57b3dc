import Foundation
import Hummingbird
import NIOCore
import NIOHTTP1
import RotorProxy
import RotorTestSupport
import Testing

/// Upstream transport: TLS with extra roots, timeouts, unreachable upstreams.
struct ProxyUpstreamTests {
    /// The upstream's TLS certificate is verified against the system roots plus `ROTOR_CA_FILE`.
    @Test func trustsTheExtraCertificateAuthority() async throws {
        let caFile = try TestTLS.caFile
        try await withTimeout(.seconds(30)) {
            try await FakeUpstream.run(tls: true, handler: { _ in SSE.response(SSE.okStream) }) { upstream in
                #expect(upstream.baseURL.scheme == "https")
                try await withProxy(upstreamURL: upstream.baseURL, configure: { $0.caFile = caFile }) { proxy in
                    let response = try await proxy.send(proxy.request(body: #"{"stream":true}"#))
                    #expect(response.status == 200)
                    #expect(response.body == SSE.okStream)
                }
                try await withProxy(upstreamURL: upstream.baseURL, configure: { $0.maxWait = .zero }) { proxy in
                    let response = try await proxy.send(proxy.request(body: #"{"stream":true}"#))
                    Self.expectPoolBusy(response, reason: "network")
                }
                #expect(upstream.log.all.count == 1)
            }
        }
    }

    /// `ROTOR_CA_FILE` and the other variables configure the proxy.
    @Test func readsTheEnvironment() throws {
        let caFile = try TestTLS.caFile
        let configuration = try ProxyConfiguration.fromEnvironment(
            [
                "ROTOR_UPSTREAM_URL": "https://127.0.0.1:9/backend-api/codex/", "ROTOR_CA_FILE": caFile,
                "ROTOR_CONNECT_TIMEOUT": "2.5", "ROTOR_HEADER_TIMEOUT": "7", "ROTOR_IDLE_TIMEOUT": "9",
                "ROTOR_MAX_BODY_BYTES": "1024", "ROTOR_MAX_WAIT": "0",
            ],
            secret: .generate()
        )
        #expect(configuration.responsesURL == "https://127.0.0.1:9/backend-api/codex/responses")
        #expect(configuration.caFile == caFile)
        #expect(configuration.timeouts == UpstreamTimeouts(connect: .milliseconds(2500), header: .seconds(7), idle: .seconds(9)))
        #expect(configuration.maxBodyBytes == 1024)
        #expect(configuration.maxWait == .zero)
        let defaults = try ProxyConfiguration.fromEnvironment([:], secret: .generate())
        #expect(defaults.responsesURL == "https://chatgpt.com/backend-api/codex/responses")
        #expect(defaults.timeouts == UpstreamTimeouts(connect: .seconds(10), header: .seconds(120), idle: .seconds(300)))
        #expect(defaults.maxBodyBytes == 32 << 20)
        #expect(throws: ProxyConfigurationError.self) {
            try ProxyConfiguration.fromEnvironment(["ROTOR_IDLE_TIMEOUT": "soon"], secret: .generate())
        }
    }

    /// No response head within the header timeout: cut before anything reached the client, and the account cools.
    @Test func timesOutWaitingForHeaders() async throws {
        try await withTimeout(.seconds(30)) {
            try await FakeUpstream.run(handler: { _ in
                try await Task.sleep(for: .seconds(60))
                return SSE.response(SSE.okStream)
            }) { upstream in
                try await withProxy(upstreamURL: upstream.baseURL, configure: {
                    $0.timeouts.header = .milliseconds(300)
                    $0.maxWait = .zero
                }) { proxy in
                    let start = ContinuousClock.now
                    let response = try await proxy.send(proxy.request(body: #"{"stream":true}"#))
                    #expect(ContinuousClock.now - start < .seconds(10))
                    Self.expectPoolBusy(response, reason: "network")
                }
            }
        }
    }

    /// Headers but no first event within the idle timeout: cut before anything reached the client, the account cools.
    @Test func timesOutWaitingForTheFirstEvent() async throws {
        try await withTimeout(.seconds(30)) {
            try await FakeUpstream.run(handler: { _ in
                SSE.streaming { _ in try await Task.sleep(for: .seconds(60)) }
            }) { upstream in
                try await withProxy(upstreamURL: upstream.baseURL, configure: {
                    $0.timeouts.idle = .milliseconds(300)
                    $0.maxWait = .zero
                }) { proxy in
                    let response = try await proxy.send(proxy.request(body: #"{"stream":true}"#))
                    Self.expectPoolBusy(response, reason: "network")
                }
            }
        }
    }

    /// Partial bytes do not keep a stalled stream alive: the idle timeout counts from the last whole event.
    @Test func idleTimeoutCountsWholeEvents() async throws {
        try await withTimeout(.seconds(30)) {
            try await FakeUpstream.run(handler: { _ in
                SSE.streaming { writer in
                    try await writer.write(ByteBuffer(string: SSE.created()))
                    // Partial bytes for far longer than the test's 30 s bound: only the idle timeout can end it in time.
                    for _ in 0..<900 {
                        try await Task.sleep(for: .milliseconds(100))
                        try await writer.write(ByteBuffer(string: ": "))
                    }
                }
            }) { upstream in
                try await withProxy(upstreamURL: upstream.baseURL, configure: { $0.timeouts.idle = .milliseconds(500) }) { proxy in
                    let response = try await proxy.send(proxy.request(body: #"{"stream":true}"#))
                    #expect(response.body.contains("rotor_stream_interrupted"))
                }
            }
        }
    }

    /// A refused connection cools the account; with no other account the client gets a retryable 429.
    @Test func reportsAnUnreachableUpstream() async throws {
        try await withTimeout(.seconds(30)) {
            try await withProxy(
                upstreamURL: URL(string: "http://127.0.0.1:1/backend-api/codex")!,
                configure: { $0.maxWait = .zero }
            ) { proxy in
                let response = try await proxy.send(proxy.request(body: #"{"stream":true}"#))
                Self.expectPoolBusy(response, reason: "network")
            }
        }
    }

    /// A pre-send failure on the only account leaves the pool cooling: the client gets a retryable 429 with
    /// `Retry-After` naming why (Codex retries it), never the failure itself.
    static func expectPoolBusy(_ response: (status: Int, headers: HTTPHeaders, body: String), reason: String) {
        #expect(response.status == 429)
        #expect(response.body.contains("rotor_pool_busy"))
        #expect(response.body.contains("(\(reason))"))
        #expect(response.headers["retry-after"].first.flatMap { Int($0) }.map { $0 >= 1 } == true)
    }
}
