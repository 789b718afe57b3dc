import AsyncHTTPClient
import Foundation
import HummingbirdCore
import NIOCore
import NIOHTTP1
import RotorCore
import RotorProxy
import RotorTestSupport
import Testing

/// What the streaming relay forwards: whole SSE events, unchanged, so that the event ending a broken stream always
/// stands alone.
struct StreamRelayTests {
    /// How the fake upstream stops in the middle of an event.
    enum UpstreamBreak: String, CaseIterable, Sendable {
        /// The connection drops without the chunked body's last chunk.
        case connectionDropped
        /// The body ends cleanly, its last event unfinished.
        case bodyEnded
    }

    private struct UpstreamDropped: Error {}

    /// The first half of a text delta: a `data:` line cut inside its JSON.
    private static let halfEvent = #"event: response.output_text.delta\#ndata: {"type":"response.output_text.delta","output_index":0,"del"#

    /// The upstream stops inside an event: the client gets every complete event byte for byte (one of them sent
    /// in two pieces), never the unfinished one, and then rotor's interruption event on its own.
    ///
    /// The unfinished event goes out in the same write as the end of the event before it, and the upstream stops
    /// only once the client has that event: so rotor has surely read the unfinished part before the break.
    @Test(arguments: UpstreamBreak.allCases)
    func brokenMidEventEndsWithAStandaloneInterruption(_ upstreamBreak: UpstreamBreak) async throws {
        let split = SSE.textDelta("split in two")
        let complete = SSE.created("resp_cut") + SSE.textDelta("whole") + split
        let clientHasTheCompleteEvents = Gate()
        try await withTimeout(.seconds(30)) {
            try await FakeUpstream.run(handler: { _ in
                SSE.streaming { writer in
                    try await writer.write(ByteBuffer(string: SSE.created("resp_cut") + SSE.textDelta("whole")))
                    try await writer.write(ByteBuffer(string: String(split.prefix(40))))
                    try await writer.write(ByteBuffer(string: String(split.dropFirst(40)) + Self.halfEvent))
                    await clientHasTheCompleteEvents.wait()
                    if upstreamBreak == .connectionDropped { throw UpstreamDropped() }
                }
            }) { upstream in
                try await withProxy(upstreamURL: upstream.baseURL) { proxy in
                    let answer = try await proxy.client.execute(proxy.request(body: #"{"stream":true}"#), timeout: .seconds(20))
                    #expect(answer.status.code == 200)
                    var body: [UInt8] = []
                    for try await buffer in answer.body {
                        body += buffer.readableBytesView
                        if body.count >= complete.utf8.count { clientHasTheCompleteEvents.open() }
                    }
                    #expect(body.starts(with: Array(complete.utf8)), "the complete events reach the client unchanged")
                    let rest = Array(body.dropFirst(complete.utf8.count))
                    var parser = ServerSentEventParser()
                    let events = try parser.parse(rest)
                    #expect(parser.finish() == nil, "nothing follows the last whole event")
                    #expect(events.map(\.type) == ["response.failed"], "after the complete events: only the interruption")
                    let failure = try #require(events.first)
                    #expect(failure.raw == rest, "the interruption event stands alone")
                    let object = try #require(try JSONSerialization.jsonObject(with: Data(failure.data)) as? [String: Any])
                    let response = try #require(object["response"] as? [String: Any])
                    #expect(response["id"] as? String == "resp_cut")
                    #expect((response["error"] as? [String: Any])?["code"] as? String == "rotor_stream_interrupted")
                    let error = try #require(object["error"] as? [String: Any], "a top-level error for SDK clients")
                    #expect(error["code"] as? String == "rotor_stream_interrupted")
                }
            }
        }
    }

    /// A 10 MiB event sent in 64 KiB pieces reaches the client whole and unchanged: framing holds an event until it
    /// is complete but never limits a large one.
    @Test func relaysATenMebibyteEvent() async throws {
        let text = String(repeating: "x", count: 10 << 20)
        let stream = SSE.created() + SSE.textDelta(text) + SSE.completed()
        try await withTimeout(.seconds(60)) {
            try await FakeUpstream.run(handler: { _ in
                SSE.streaming { writer in
                    var remaining = Substring(stream)
                    while !remaining.isEmpty {
                        try await writer.write(ByteBuffer(string: String(remaining.prefix(64 << 10))))
                        remaining = remaining.dropFirst(64 << 10)
                    }
                }
            }) { upstream in
                try await withProxy(upstreamURL: upstream.baseURL) { proxy in
                    let answer = try await proxy.send(proxy.request(body: #"{"stream":true}"#))
                    #expect(answer.status == 200)
                    #expect(answer.body.utf8.count == stream.utf8.count)
                    let unchanged = answer.body == stream
                    #expect(unchanged, "the client gets the upstream's bytes unchanged")
                }
            }
        }
    }

    // MARK: - The idle timeout measures upstream silence only

    /// The start of a response larger than the socket buffers between rotor and a client hold: after
    /// `response.created`, an 8 MiB event (rotor's write of it fills the path to a client that does not read) and
    /// a 1 MiB one (rotor's write of it waits until the client reads again).
    private static func largeResponseStart(id: String) -> String {
        SSE.created(id) + SSE.textDelta(String(repeating: "y", count: 8 << 20)) + SSE.textDelta(String(repeating: "z", count: 1 << 20))
    }

    /// The idle timeout of the tests below, and how long their client stops reading: 2.5 times as long.
    private static let idle = Duration.seconds(2)
    private static let pause: TimeInterval = 5

    /// A streaming request on a raw connection that closes after the answer.
    private static func rawStreamingRequest(_ proxy: ProxyUnderTest) -> String {
        let body = responsesBody(conversation: nil)
        return "POST /v1/responses HTTP/1.1\r\nHost: 127.0.0.1:\(proxy.port)\r\nAuthorization: Bearer \(proxy.secret.text)\r\n"
            + "Content-Type: application/json\r\nConnection: close\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
    }

    /// A client with a small receive buffer stops reading for 2.5 times the idle timeout while the upstream sends
    /// 9 MiB at once: rotor is blocked writing the second big event to the client, not waiting for the upstream.
    /// The upstream sends its last event once the client has everything before it, so rotor waits for the upstream
    /// right after that long write, as briefly as a healthy upstream makes it: the stream completes intact and the
    /// account gets no cooldown.
    @Test func slowReaderGetsTheWholeStreamAndCoolsNoAccount() async throws {
        let start = Self.largeResponseStart(id: "resp_slow")
        let clientHasTheStart = Gate()
        try await RotationWorld.with(["A"]) { world in
            try await withTimeout(.seconds(60)) {
                try await FakeUpstream.run(handler: { _ in
                    SSE.streaming { writer in
                        try await writer.write(ByteBuffer(string: start))
                        await clientHasTheStart.wait()
                        try await writer.write(ByteBuffer(string: SSE.completed("resp_slow")))
                    }
                }) { upstream in
                    try await withStoreProxy(world: world, upstream: upstream, configure: { $0.timeouts.idle = Self.idle }) { proxy in
                        let request = Self.rawStreamingRequest(proxy)
                        let (status, body) = try await withRawConnection(port: proxy.port, receiveBufferBytes: 16 << 10) {
                            connection in
                            try connection.send(request)
                            let head = try connection.readHead()
                            Thread.sleep(forTimeInterval: Self.pause)
                            var body = try connection.readChunks(atLeast: start.utf8.count)
                            clientHasTheStart.open()
                            body += try connection.readChunks()
                            return (head.status, body)
                        }
                        #expect(status == 200)
                        let expected = Array((start + SSE.completed("resp_slow")).utf8)
                        let unchanged = body == expected
                        #expect(unchanged, "the client gets the whole stream unchanged (\(body.count) of \(expected.count) bytes)")
                        let interrupted = String(decoding: body.suffix(4_096), as: UTF8.self).contains("rotor_stream_interrupted")
                        #expect(!interrupted, "no interruption event")
                    }
                }
            }
            #expect(try world.account("A").cooldown == nil, "a slow client is not upstream silence")
            #expect(try world.account("A").consecutiveFailures == 0)
        }
    }

    /// The same slow client reads everything sent so far and then leaves in the middle of the stream, while the
    /// upstream goes on sending small events: the upstream request is cancelled and the account gets no cooldown.
    /// (Events, not keep-alive comments: comments count as silence, and on a loaded machine noticing the client's
    /// exit can take longer than the test's short idle timeout.)
    @Test func clientLeavingMidStreamCoolsNoAccount() async throws {
        let start = Self.largeResponseStart(id: "resp_left")
        let clientHasTheStart = Gate()
        let upstreamCancelled = Gate()
        try await RotationWorld.with(["A"]) { world in
            try await withTimeout(.seconds(60)) {
                try await FakeUpstream.run(handler: { _ in
                    SSE.streaming { writer in
                        do {
                            try await writer.write(ByteBuffer(string: start))
                            await clientHasTheStart.wait()
                            for _ in 0..<1_200 {
                                try await Task.sleep(for: .milliseconds(50))
                                try await writer.write(ByteBuffer(string: SSE.event(
                                    "response.output_text.delta", #"{"type":"response.output_text.delta","delta":"."}"#)))
                            }
                        } catch {
                            upstreamCancelled.open()
                            throw error
                        }
                    }
                }) { upstream in
                    try await withStoreProxy(world: world, upstream: upstream, configure: { $0.timeouts.idle = Self.idle }) { proxy in
                        let request = Self.rawStreamingRequest(proxy)
                        let status = try await withRawConnection(port: proxy.port, receiveBufferBytes: 16 << 10) {
                            connection in
                            try connection.send(request)
                            let head = try connection.readHead()
                            Thread.sleep(forTimeInterval: Self.pause)
                            _ = try connection.readChunks(atLeast: start.utf8.count)
                            clientHasTheStart.open()
                            connection.hangUp()
                            return head.status
                        }
                        #expect(status == 200)
                        await upstreamCancelled.wait()
                    }
                }
            }
            #expect(try world.account("A").cooldown == nil, "a client that leaves is no fault of the account")
            #expect(try world.account("A").consecutiveFailures == 0)
        }
    }
}
