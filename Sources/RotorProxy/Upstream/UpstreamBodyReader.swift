import AsyncHTTPClient
import NIOCore
import RotorCore

/// Reads an upstream response body, enforcing the idle timeout on the upstream's silence only: the timeout's clock
/// (``UpstreamSilence``) runs while a read waits for upstream bytes, never while the caller writes to its client,
/// and restarts when an event completes, so a trickle of partial bytes cannot keep a hung stream alive.
///
/// ``next()`` frames the body into whole SSE events: each chunk ends where an event ends, and the bytes of an
/// unfinished event wait in the parser until its blank line arrives. A client relayed these chunks never holds
/// part of an event, so whatever rotor appends after a break stands alone.
///
/// `@unchecked Sendable`: it owns AsyncHTTPClient's body iterator, which is not `Sendable`. The reader is used by
/// one task at a time — the attempt until the first event, then the relay — and each read hands the iterator to
/// exactly one child task that is awaited before the read returns.
final class UpstreamBodyReader: @unchecked Sendable {
    private var iterator: HTTPClientResponse.Body.AsyncIterator
    private var parser = ServerSentEventParser()
    private var silence: UpstreamSilence
    private var finished = false

    init(body: HTTPClientResponse.Body, idleTimeout: Duration) {
        self.iterator = body.makeAsyncIterator()
        self.silence = UpstreamSilence(limit: idleTimeout)
    }

    /// The next whole events, or `nil` at the end of the body. At the end, an unfinished event is dropped unless it
    /// ends the response (``ServerSentEventParser/finishCompleteEvents()``). Cancelling the read (timeout, task
    /// cancellation) cancels the upstream request.
    func next() async throws(UpstreamReadFailure) -> UpstreamChunk? {
        while let buffer = try await nextBytes() {
            let complete: CompleteEvents
            do {
                complete = try parser.completeEvents(in: buffer.readableBytesView)
            } catch {
                finished = true
                throw .eventTooLarge
            }
            if complete.events.contains(where: { !$0.isKeepAlive }) {
                silence.eventCompleted()
            }
            guard !complete.bytes.isEmpty else { continue }
            return UpstreamChunk(bytes: ByteBuffer(bytes: complete.bytes), events: complete.events)
        }
        let last = parser.finishCompleteEvents()
        guard !last.bytes.isEmpty else { return nil }
        return UpstreamChunk(bytes: ByteBuffer(bytes: last.bytes), events: last.events)
    }

    /// The next bytes as received, or `nil` at the end of the body: for bodies that are not an event stream.
    ///
    /// Waits in the steps ``UpstreamSilence`` sets; the read of the body goes on across steps.
    func nextBytes() async throws(UpstreamReadFailure) -> ByteBuffer? {
        guard !finished else { return nil }
        let outcome: ReadOutcome
        do {
            outcome = try await withThrowingTaskGroup(of: WaitEvent.self) { group in
                group.addTask { .bytes(try await self.readIterator()) }
                defer { group.cancelAll() }
                while let step = silence.nextStep {
                    let started = ContinuousClock.now
                    group.addTask {
                        try await Task.sleep(for: step)
                        return .stepEnded
                    }
                    let event = try await group.next()
                    silence.waited(.now - started, of: step)
                    if case .bytes(let buffer) = event { return .bytes(buffer) }
                }
                return .timedOut
            }
        } catch {
            finished = true
            throw Task.isCancelled ? .cancelled : .transport(Self.describe(error))
        }
        if Task.isCancelled {
            finished = true
            throw .cancelled
        }
        switch outcome {
        case .timedOut:
            finished = true
            throw .idleTimeout
        case .bytes(let buffer):
            if buffer == nil { finished = true }
            return buffer
        }
    }

    /// What ends one step of a wait: bytes (or the end of the body), or the step's time.
    private enum WaitEvent: Sendable {
        case bytes(ByteBuffer?)
        case stepEnded
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
