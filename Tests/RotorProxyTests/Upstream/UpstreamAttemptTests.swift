import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import RotorCore
@testable import RotorProxy
import RotorTestSupport
import Testing

/// `UpstreamAttempt.perform`, the call the failover loop makes once per attempt: it holds the answer until the
/// first SSE event and reports every pre-send failure as data.
struct UpstreamAttemptTests {
    private func perform(
        _ url: URL,
        caFile: String? = nil,
        timeouts: UpstreamTimeouts = UpstreamTimeouts(connect: .seconds(5), header: .seconds(10), idle: .seconds(10)),
        _ check: @Sendable (AttemptResult) async throws -> Void
    ) async throws {
        let client = HTTPClient(
            eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
            configuration: .upstream(caFile: caFile, connectTimeout: timeouts.connect)
        )
        let accounts = FakeAccounts.one
        let configuration = ProxyConfiguration(secret: .generate(), upstreamURL: url)
        let attempt = UpstreamAttempt(client: client, url: configuration.responsesURL, timeouts: timeouts)
        let result = await attempt.perform(
            account: accounts.list[0],
            credentials: try #require(accounts.tokens[accounts.list[0].id]),
            body: ByteBuffer(string: #"{"stream":true}"#),
            clientHeaders: [.accept: "text/event-stream"],
            logger: Logger(label: "test")
        )
        do {
            try await check(result)
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    /// A good first event is the commit point: head, first event and held bytes, then the rest from `next()`.
    @Test func holdsUntilTheFirstEvent() async throws {
        let headers: HTTPFields = [HTTPField.Name("x-codex-primary-used-percent")!: "12"]
        try await withTimeout(.seconds(30)) {
            try await FakeUpstream.run(handler: { _ in SSE.response(": keep-alive\n\n" + SSE.okStream, headers: headers) }) {
                upstream in
                try await perform(upstream.baseURL) { result in
                    guard case .ready(let stream) = result else {
                        Issue.record("expected ready, got \(result)")
                        return
                    }
                    #expect(stream.status == 200)
                    #expect(stream.firstEvent.type == "response.created")
                    #expect(stream.headers[HTTPField.Name("x-codex-primary-used-percent")!] == "12")
                    var received = stream.heldBytes.map { String(buffer: $0) }.joined()
                    while let chunk = try await stream.next() { received += String(buffer: chunk.bytes) }
                    #expect(received == ": keep-alive\n\n" + SSE.okStream)
                    guard case .success(200, let fields) = result.outcome else {
                        Issue.record("expected success")
                        return
                    }
                    #expect(fields.contains { $0.name == "x-codex-primary-used-percent" && $0.value == "12" })
                }
            }
        }
    }

    /// `response.failed` as the first event is still a pre-send failure, classified from its data.
    @Test func reportsAFailedFirstEvent() async throws {
        try await withTimeout(.seconds(30)) {
            try await FakeUpstream.run(handler: { _ in SSE.response(SSE.failed(code: "usage_limit_reached")) }) { upstream in
                try await perform(upstream.baseURL) { result in
                    guard case .failed(let failure) = result, case .failedFirstEvent(200, _, let event)? = failure.outcome else {
                        Issue.record("expected failedFirstEvent, got \(result)")
                        return
                    }
                    #expect(failure.kind == .failedEvent)
                    #expect(String(decoding: event, as: UTF8.self).contains("usage_limit_reached"))
                }
            }
        }
    }

    /// An error status comes back with its headers and body for classification.
    @Test func reportsErrorStatuses() async throws {
        let body = #"{"error":{"type":"usage_limit_reached","resets_at":1795430000}}"#
        try await withTimeout(.seconds(30)) {
            try await FakeUpstream.run(handler: { _ in
                Response(
                    status: .tooManyRequests,
                    headers: [.contentType: "application/json", HTTPField.Name("x-codex-primary-used-percent")!: "100"],
                    body: ResponseBody(byteBuffer: ByteBuffer(string: body))
                )
            }) { upstream in
                try await perform(upstream.baseURL) { result in
                    guard case .failed(let failure) = result,
                        case .errorResponse(429, let headers, let received)? = failure.outcome
                    else {
                        Issue.record("expected errorResponse, got \(result)")
                        return
                    }
                    #expect(String(decoding: received, as: UTF8.self) == body)
                    #expect(headers.contains { $0.name == "x-codex-primary-used-percent" && $0.value == "100" })
                }
            }
        }
    }

    /// Refused connections, untrusted TLS and a silent upstream are network failures and timeouts.
    @Test func classifiesTransportFailures() async throws {
        try await withTimeout(.seconds(30)) {
            try await perform(URL(string: "http://127.0.0.1:1/backend-api/codex")!) { result in
                guard case .failed(let failure) = result, case .connectFailed(.refused)? = failure.outcome else {
                    Issue.record("expected refused, got \(result)")
                    return
                }
            }
            try await FakeUpstream.run(tls: true, handler: { _ in SSE.response(SSE.okStream) }) { upstream in
                try await perform(upstream.baseURL) { result in
                    guard case .failed(let failure) = result, case .connectFailed(.tls)? = failure.outcome else {
                        Issue.record("expected tls, got \(result)")
                        return
                    }
                }
            }
            try await FakeUpstream.run(handler: { _ in
                try await Task.sleep(for: .seconds(60))
                return SSE.response(SSE.okStream)
            }) { upstream in
                let timeouts = UpstreamTimeouts(connect: .seconds(5), header: .milliseconds(200), idle: .seconds(5))
                try await perform(upstream.baseURL, timeouts: timeouts) { result in
                    guard case .failed(let failure) = result, case .headerTimeout? = failure.outcome else {
                        Issue.record("expected header timeout, got \(result)")
                        return
                    }
                }
            }
        }
    }
}
