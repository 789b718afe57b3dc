import AsyncHTTPClient
import NIOCore
import RotorCore

/// Reads an upstream response body chunk by chunk, parsing SSE events and enforcing the idle timeout between
/// events (the deadline moves only when an event completes, so a trickle of partial bytes cannot keep a hung
/// stream alive).
///
/// `@unchecked Sendable`: it owns AsyncHTTPClient's body iterator, which is not `Sendable`. The reader is used by
/// one task at a time — the attempt until the first event, then the relay — and each `next()` hands the
/// iterator to exactly one child task that is awaited before `next()` returns.
final class UpstreamBodyReader: @unchecked Sendable {
    private var iterator: HTTPClientResponse.Body.AsyncIterator
    private var parser = ServerSentEventParser()
    private let idleTimeout: Duration
    private var deadline: ContinuousClock.Instant
    private var finished = false

    init(body: HTTPClientResponse.Body, idleTimeout: Duration) {
        self.iterator = body.makeAsyncIterator()
        self.idleTimeout = idleTimeout
        self.deadline = .now + idleTimeout
    }

    /// The next chunk, or `nil` at the end of the body. Cancelling the read (timeout, task cancellation) cancels
    /// the upstream request.
    func next() async throws(UpstreamReadFailure) -> UpstreamChunk? {
        guard !finished else { return nil }
        let outcome: ReadOutcome
        do {
            outcome = try await withThrowingTaskGroup(of: ReadOutcome.self) { group in
                group.addTask { .bytes(try await self.readIterator()) }
                group.addTask { [deadline] in
                    try await Task.sleep(until: deadline, clock: .continuous)
                    return .timedOut
                }
                defer { group.cancelAll() }
                return try await group.next() ?? .timedOut
            }
        } catch {
            finished = true
            throw .transport(Self.describe(error))
        }
        switch outcome {
        case .timedOut:
            finished = true
            throw .idleTimeout
        case .bytes(.some(let buffer)):
            let events: [ServerSentEvent]
            do {
                events = try parser.parse(buffer.readableBytesView)
            } catch {
                finished = true
                throw .eventTooLarge
            }
            if events.contains(where: { !$0.isKeepAlive }) {
                deadline = .now + idleTimeout
            }
            return UpstreamChunk(bytes: buffer, events: events)
        case .bytes(.none):
            finished = true
            guard let last = parser.finish() else { return nil }
            return UpstreamChunk(bytes: ByteBuffer(), events: [last])
        }
    }

    private enum ReadOutcome: Sendable {
        case bytes(ByteBuffer?)
        case timedOut
    }

    private func readIterator() async throws -> ByteBuffer? {
        try await iterator.next()
    }

    /// A short, token-free description of a transport error for logs and error bodies.
    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError { return error.shortDescription }
        return String(describing: type(of: error)) + ": " + String(describing: error).prefix(200)
    }
}
