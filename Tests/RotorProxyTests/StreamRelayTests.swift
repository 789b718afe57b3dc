import AsyncHTTPClient
import Foundation
import HummingbirdCore
import NIOCore
import NIOHTTP1
import RotorCore
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
        let clientHasTheCompleteEvents = Signal()
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
                        if body.count >= complete.utf8.count { clientHasTheCompleteEvents.fire() }
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
}
