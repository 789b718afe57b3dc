import Foundation
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// The fast fake upstream the proxy benchmark measures against, on 127.0.0.1: `POST …/responses` answers an SSE
/// stream at once. The request's `model` picks the shape, because rotor relays the body but not custom headers:
///
/// - `bench-fast`: `response.created`, three deltas, `response.completed`, written as one chunk each;
/// - `bench-spaced`: 20 deltas 5 ms apart, each stamped with the upstream's send time (for per-event delay);
/// - `bench-large`: `BenchUpstream.largeBytes` of 16 KiB delta events, then `response.completed`;
/// - `bench-hold`: `response.created`, then nothing until ``releaseHeld()`` (open streams for memory figures).
final class BenchUpstream: Sendable {
    static let largeBytes = 64 << 20
    static let spacedEvents = 20

    let port: Int
    /// The held streams, and whether they were released (then a new one ends at once).
    private let held = Mutex<(released: Bool, waiting: [CheckedContinuation<Void, Never>])>((false, []))
    /// Send instants of the `bench-spaced` events, by event id.
    let sentAt: Mutex<[String: ContinuousClock.Instant]> = Mutex([:])

    private init(port: Int) {
        self.port = port
    }

    /// Runs an upstream for the duration of `body`.
    static func run<T: Sendable>(_ body: (BenchUpstream) async throws -> T) async throws -> T {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let box = Mutex<BenchUpstream?>(nil)
        let router = Router()
        router.post("/backend-api/codex/responses") { request, _ -> Response in
            let bytes = try await request.body.collect(upTo: 1 << 20)
            let text = String(buffer: bytes)
            guard let upstream = box.withLock({ $0 }) else { return Response(status: .serviceUnavailable) }
            return upstream.answer(model: Self.model(in: text))
        }
        var logger = Logger(label: "bench-upstream")
        logger.logLevel = .critical
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            },
            logger: logger
        )
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw CancellationError() }
            let upstream = BenchUpstream(port: port)
            box.withLock { $0 = upstream }
            defer {
                upstream.releaseHeld()
                group.cancelAll()
            }
            return try await body(upstream)
        }
    }

    /// `http://127.0.0.1:PORT/backend-api/codex`: `ROTOR_UPSTREAM_URL`.
    var baseURL: String { "http://127.0.0.1:\(port)/backend-api/codex" }

    /// How many streams are held now.
    var heldCount: Int { held.withLock { $0.waiting.count } }

    /// Ends every held stream, and makes later ones end at once.
    func releaseHeld() {
        let waiting = held.withLock { held in
            held.released = true
            defer { held.waiting = [] }
            return held.waiting
        }
        for continuation in waiting { continuation.resume() }
    }

    private func answer(model: String) -> Response {
        let headers: HTTPFields = [.contentType: "text/event-stream"]
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            try await writer.write(Self.event("response.created", #"{"response":{"id":"resp_bench"}}"#))
            switch model {
            case "bench-spaced":
                for index in 0..<Self.spacedEvents {
                    try await Task.sleep(for: .milliseconds(5))
                    let id = "e\(index)"
                    self.sentAt.withLock { $0[id] = .now }
                    try await writer.write(Self.event("response.output_text.delta", #"{"delta":"\#(id)"}"#))
                }
            case "bench-large":
                let delta = String(repeating: "x", count: 16 << 10)
                let chunk = Self.event("response.output_text.delta", #"{"delta":"\#(delta)"}"#)
                for _ in 0..<(Self.largeBytes / chunk.readableBytes) { try await writer.write(chunk) }
            case "bench-hold":
                await self.hold()
            default:
                for word in ["Hello", " from", " bench"] {
                    try await writer.write(Self.event("response.output_text.delta", #"{"delta":"\#(word)"}"#))
                }
            }
            try await writer.write(Self.event(
                "response.completed",
                #"{"response":{"id":"resp_bench","status":"completed","usage":{"input_tokens":1,"output_tokens":3}}}"#))
            try await writer.finish(nil)
        })
    }

    private func hold() async {
        await withCheckedContinuation { continuation in
            let released = held.withLock { held in
                if !held.released { held.waiting.append(continuation) }
                return held.released
            }
            if released { continuation.resume() }
        }
    }

    static func event(_ type: String, _ payload: String) -> ByteBuffer {
        let body = #"{"type":"\#(type)","# + payload.dropFirst()
        return ByteBuffer(string: "event: \(type)\ndata: \(body)\n\n")
    }

    static func model(in body: String) -> String {
        guard let range = body.range(of: #""model":""#) else { return "" }
        return String(body[range.upperBound...].prefix { $0 != "\"" })
    }
}
