import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1
import NIOPosix
import RotorCore
import RotorProxy
import RotorTestSupport
import Testing

/// The streaming relay on a live proxy.
struct ProxyStreamingTests {
    /// Reads SSE events from a client response body, one at a time.
    private struct EventReader {
        var iterator: HTTPClientResponse.Body.AsyncIterator
        var parser = ServerSentEventParser()
        var pending: [ServerSentEvent] = []

        init(_ body: HTTPClientResponse.Body) {
            iterator = body.makeAsyncIterator()
        }

        mutating func next() async throws -> ServerSentEvent? {
            while pending.isEmpty {
                guard let buffer = try await iterator.next() else { return parser.finish() }
                pending = try parser.parse(buffer.readableBytesView).filter { !$0.isKeepAlive }
            }
            return pending.removeFirst()
        }
    }

    /// Each event reaches the client before the upstream sends the next: the upstream waits for the client's
    /// acknowledgement of event k before sending event k+1, so a buffering proxy times the test out.
    @Test func forwardsEachEventBeforeTheNextExists() async throws {
        let count = 20
        let (acks, ackContinuation) = AsyncStream<Int>.makeStream()
        try await withTimeout(.seconds(30)) {
            try await FakeUpstream.run(handler: { _ in
                SSE.streaming { writer in
                    var iterator = acks.makeAsyncIterator()
                    for index in 0..<count {
                        try await writer.write(ByteBuffer(string: SSE.textDelta("t\(index)")))
                        guard await iterator.next() == index else { return }
                    }
                    try await writer.write(ByteBuffer(string: SSE.completed()))
                }
            }) { upstream in
                try await withProxy(upstreamURL: upstream.baseURL) { proxy in
                    let response = try await proxy.client.execute(proxy.request(body: #"{"stream":true}"#), timeout: .seconds(20))
                    #expect(response.status.code == 200)
                    #expect(response.headers["content-type"].first == "text/event-stream")
                    var reader = EventReader(response.body)
                    for index in 0..<count {
                        let event = try #require(try await reader.next())
                        #expect(String(decoding: event.data, as: UTF8.self).contains("\"t\(index)\""))
                        ackContinuation.yield(index)
                    }
                    #expect(try await reader.next()?.type == "response.completed")
                    #expect(try await reader.next() == nil)
                }
            }
        }
    }

    /// A streaming client gets the upstream's bytes unchanged, with the pass-through and rotor headers; the 5-hour
    /// window's usage is the pool's (the serving account at 42.5 %, the other at 12.5 %: 27.5 % used).
    @Test func relaysBytesAndHeaders() async throws {
        var pool = FakeAccounts.make(["A", "B"])
        pool.list[1].usage = UsageSnapshot(primary: UsageWindow(usedPercent: 12.5, windowMinutes: 300),
                                           observedAt: Date())
        let accounts = pool
        let upstreamHeaders: HTTPFields = [
            HTTPField.Name("x-codex-primary-used-percent")!: "42.5",
            HTTPField.Name("x-codex-primary-window-minutes")!: "300",
            HTTPField.Name("x-codex-credits-has-credits")!: "false",
            HTTPField.Name("x-codex-turn-state")!: "ts-1",
            HTTPField.Name("x-request-id")!: "req-up",
            HTTPField.Name("openai-model")!: "gpt-6.1-sol",
            HTTPField.Name("x-models-etag")!: "etag-1",
            HTTPField.Name("x-reasoning-included")!: "true",
            HTTPField.Name("set-cookie")!: "session=1",
            HTTPField.Name("x-other")!: "dropped",
            HTTPField.Name("access-control-allow-origin")!: "*",
        ]
        try await withTimeout(.seconds(30)) {
            try await FakeUpstream.run(handler: { _ in SSE.response(SSE.okStream, headers: upstreamHeaders) }) { upstream in
                try await withProxy(upstreamURL: upstream.baseURL, accounts: accounts) { proxy in
                    let response = try await proxy.send(proxy.request(body: #"{"stream":true}"#))
                    #expect(response.status == 200)
                    #expect(response.body == SSE.okStream)
                    let headers = response.headers
                    #expect(headers["x-codex-primary-used-percent"] == ["27.5"])
                    #expect(headers["x-codex-primary-window-minutes"] == ["300"])
                    #expect(headers["x-codex-credits-has-credits"] == ["false"])
                    #expect(headers["x-codex-turn-state"].first == "ts-1")
                    #expect(headers["x-request-id"].first == "req-up")
                    #expect(headers["openai-model"].first == "gpt-6.1-sol")
                    #expect(headers["x-models-etag"].first == "etag-1")
                    #expect(headers["x-reasoning-included"].first == "true")
                    #expect(headers["x-rotor-account"].first == FakeAccounts.one.list[0].id.shortID)
                    #expect(headers["x-rotor-attempts"].first == "1")
                    #expect(headers["set-cookie"].isEmpty)
                    #expect(headers["x-other"].isEmpty)
                    #expect(headers["access-control-allow-origin"].isEmpty)
                }
            }
        }
    }

    /// When the client goes away mid-stream, the upstream request is cancelled at once.
    @Test func clientDisconnectCancelsTheUpstream() async throws {
        let upstreamClosed = Gate()
        try await withTimeout(.seconds(30)) {
            try await FakeUpstream.run(handler: { _ in
                SSE.streaming { writer in
                    try await writer.write(ByteBuffer(string: SSE.created()))
                    do {
                        for index in 0..<1_000 {
                            try await Task.sleep(for: .milliseconds(20))
                            try await writer.write(ByteBuffer(string: SSE.textDelta("t\(index)")))
                        }
                    } catch {
                        upstreamClosed.open()
                        throw error
                    }
                }
            }) { upstream in
                try await withProxy(upstreamURL: upstream.baseURL) { proxy in
                    try await readTwoEventsThenHangUp(proxy)
                    await upstreamClosed.wait()
                }
            }
        }
    }

    /// Reads two events, then drops the response unread: the client closes its connection.
    private func readTwoEventsThenHangUp(_ proxy: ProxyUnderTest) async throws {
        let response = try await proxy.client.execute(proxy.request(body: #"{"stream":true}"#), timeout: .seconds(20))
        var reader = EventReader(response.body)
        #expect(try await reader.next()?.type == "response.created")
        #expect(try await reader.next()?.type == "response.output_text.delta")
    }

    /// A client that leaves while rotor still holds its response (no event yet) cancels the upstream too.
    @Test func clientDisconnectWhileHoldingCancelsTheUpstream() async throws {
        let upstreamClosed = Gate()
        let requestArrived = Gate()
        try await withTimeout(.seconds(30)) {
            try await FakeUpstream.run(handler: { _ in
                requestArrived.open()
                return SSE.streaming { writer in
                    do {
                        for _ in 0..<1_000 {
                            try await writer.write(ByteBuffer(string: ": waiting\n\n"))
                            try await Task.sleep(for: .milliseconds(20))
                        }
                    } catch {
                        upstreamClosed.open()
                        throw error
                    }
                }
            }) { upstream in
                // An idle timeout beyond the test's bound: only noticing the client's close can end the upstream.
                try await withProxy(upstreamURL: upstream.baseURL, configure: { $0.timeouts.idle = .seconds(120) }) { proxy in
                    let request = "POST /v1/responses HTTP/1.1\r\nHost: 127.0.0.1:\(proxy.port)\r\nAuthorization: Bearer \(proxy.secret.text)\r\nContent-Length: 15\r\n\r\n{\"stream\":true}"
                    let connection = try await withRawConnection(port: proxy.port) { connection in
                        try connection.send(request)
                        return UncheckedBox(connection)
                    }
                    await requestArrived.wait()
                    connection.value.hangUp()
                    await upstreamClosed.wait()
                }
            }
        }
    }

    /// Stopping the proxy lets an in-flight stream finish: the client still gets every event.
    @Test func shutdownLetsStreamsFinish() async throws {
        let firstEventSeen = Gate()
        try await withTimeout(.seconds(30)) {
            try await FakeUpstream.run(handler: { _ in
                SSE.streaming { writer in
                    try await writer.write(ByteBuffer(string: SSE.created()))
                    for index in 0..<5 {
                        try await Task.sleep(for: .milliseconds(100))
                        try await writer.write(ByteBuffer(string: SSE.textDelta("t\(index)")))
                    }
                    try await writer.write(ByteBuffer(string: SSE.completed()))
                }
            }) { upstream in
                let (proxies, continuation) = AsyncStream<ProxyUnderTest>.makeStream()
                let client = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
                defer { _ = client.shutdown() as EventLoopFuture<Void> }
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        try await withProxy(upstreamURL: upstream.baseURL) { proxy in
                            continuation.yield(proxy)
                            await firstEventSeen.wait()
                        }
                    }
                    var iterator = proxies.makeAsyncIterator()
                    let proxy = try #require(await iterator.next())
                    let response = try await client.execute(proxy.request(body: #"{"stream":true}"#), timeout: .seconds(20))
                    var reader = EventReader(response.body)
                    var types = [try await reader.next()?.type]
                    firstEventSeen.open()
                    while let event = try await reader.next() { types.append(event.type) }
                    #expect(types.first == "response.created")
                    #expect(types.count == 7)
                    #expect(types.last == "response.completed")
                    try await group.waitForAll()
                }
            }
        }
    }

    /// An upstream that stalls after the first event is cut after the idle timeout, and the client's stream ends
    /// with a `response.failed` event coded `rotor_stream_interrupted`.
    @Test func idleUpstreamEndsTheStreamWithAnError() async throws {
        try await withTimeout(.seconds(30)) {
            try await FakeUpstream.run(handler: { _ in
                SSE.streaming { writer in
                    try await writer.write(ByteBuffer(string: SSE.created("resp_idle")))
                    try await Task.sleep(for: .seconds(60))
                }
            }) { upstream in
                try await withProxy(
                    upstreamURL: upstream.baseURL,
                    configure: { $0.timeouts.idle = .milliseconds(500) }
                ) { proxy in
                    let start = ContinuousClock.now
                    let response = try await proxy.send(proxy.request(body: #"{"stream":true}"#))
                    #expect(ContinuousClock.now - start < .seconds(10))
                    #expect(response.status == 200)
                    var parser = ServerSentEventParser()
                    let events = try parser.parse(Array(response.body.utf8))
                    #expect(events.map(\.type) == ["response.created", "response.failed"])
                    let failure = String(decoding: events[1].data, as: UTF8.self)
                    #expect(failure.contains(#""code":"rotor_stream_interrupted""#))
                    #expect(failure.contains(#""id":"resp_idle""#))
                    #expect(failure.contains(#""status":"failed""#))
                }
            }
        }
    }

    /// A rate-limit `response.failed` first event is still a pre-send failure: with no other account, the client
    /// gets a retryable 429 carrying the hinted delay, not the failed stream.
    @Test func failedFirstEventBecomesRetryable429() async throws {
        try await withTimeout(.seconds(30)) {
            try await FakeUpstream.run(handler: { _ in SSE.response(SSE.failed(code: "rate_limit_exceeded")) }) { upstream in
                try await withProxy(upstreamURL: upstream.baseURL, configure: { $0.maxWait = .zero }) { proxy in
                    let response = try await proxy.send(proxy.request(body: #"{"stream":true}"#))
                    #expect(response.status == 429)
                    #expect(response.body.contains("rotor_pool_busy"))
                    #expect(response.headers["retry-after"].first == "7")
                }
            }
        }
    }

    /// An upstream error status passes through with its body, like a 400 the client caused.
    @Test func passesUpstreamErrorsThrough() async throws {
        let body = #"{"error":{"type":"invalid_request_error","message":"bad input"}}"#
        try await withTimeout(.seconds(30)) {
            try await FakeUpstream.run(handler: { _ in
                Response(status: .badRequest, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
            }) { upstream in
                try await withProxy(upstreamURL: upstream.baseURL) { proxy in
                    let response = try await proxy.send(proxy.request(body: #"{"stream":true}"#))
                    #expect(response.status == 400)
                    #expect(response.body == body)
                }
            }
        }
    }
}
