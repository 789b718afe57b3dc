import Foundation
import HTTPTypes
import HummingbirdCore
import Logging
import NIOCore
import RotorCore

/// How a committed request ended, for the log and the decision record.
public struct RelayOutcome: Sendable {
    /// The status the client got.
    public var status: Int
    /// Bytes written to the client's body.
    public var bytes: Int
    /// The terminal event seen (`response.completed`, `response.failed`, …), if any.
    public var terminalEvent: String?
    /// The `response.completed` event, for token usage.
    public var completedEvent: ServerSentEvent?
    /// The `response.failed` (or `error`) event that ended the stream after the commit, if one did.
    public var failedEvent: ServerSentEvent?
    /// The last `codex.rate_limits` event, for the account's usage snapshot.
    public var rateLimitsEvent: ServerSentEvent?
    /// Why the stream was cut, when it was.
    public var interruption: UpstreamReadFailure?

    /// How the committed stream broke, as ``RequestRouting`` classifies it (`.streamBrokeAfterCommit`);
    /// `nil` when it ended normally or the client left (no fault of the upstream's).
    public var streamBreak: StreamBreak? {
        if let failedEvent { return .failedEvent(failedEvent.data) }
        switch interruption {
        case .none: return terminalEvent == nil ? .connectionLost : nil
        case .idleTimeout: return .idleTimeout
        case .transport, .eventTooLarge: return .connectionLost
        case .cancelled: return nil
        }
    }
}

extension RelayOutcome {
    /// Takes over what `tracker` has seen so far.
    fileprivate mutating func update(from tracker: EventTracker) {
        terminalEvent = tracker.terminalType
        completedEvent = tracker.completed
        failedEvent = tracker.failed
        rateLimitsEvent = tracker.rateLimits
    }

    /// The stream's end as ``RequestRouting`` takes it; `clientClosed` when the client went away.
    func streamEnd(clientClosed: Bool, observedAt now: Date) -> RequestRouting.StreamEnd {
        let ending: RequestRouting.StreamEnd.Ending =
            clientClosed ? .clientClosed : streamBreak.map { .broke($0) } ?? .completed
        return RequestRouting.StreamEnd(
            ending: ending,
            bytes: bytes,
            usage: rateLimitsEvent.flatMap { UsageSnapshot(rateLimitsEvent: $0.data, observedAt: now) },
            tokens: completedEvent.flatMap { TokenCounts(completedEvent: $0.data) }
        )
    }
}

/// Delivers a ready upstream stream to the client: relayed event by event to streaming clients, or folded into
/// one JSON response for clients that did not ask for a stream.
///
/// Both call `beforeEnd` once, with what the stream showed, right before the client gets its end — the terminal
/// event, the interruption event, or the one JSON answer — so the request's bookkeeping is stored before the client
/// can send its follow-up. `outcome` holds what was relayed so far, also when the client leaves (the relay throws).
enum StreamRelay {
    /// Relays `stream` to a streaming client: headers first, then the upstream's events written and flushed as
    /// each completes, byte for byte (each write waits for the client, which is the backpressure). Only whole events
    /// are written, so a stream that breaks or ends without a terminal event is ended with a standalone
    /// `response.failed` event coded `rotor_stream_interrupted`. Time spent writing to a slow client is not
    /// upstream silence: the idle timeout runs only while waiting for the upstream.
    ///
    /// - Throws: `CancellationError` when the client went away; any error writing to the client.
    static func relay(
        _ stream: UpstreamStream,
        to writer: consuming ResponseWriter,
        headers: HTTPFields,
        logger: Logger,
        outcome: inout RelayOutcome,
        beforeEnd: (RelayOutcome) -> Void
    ) async throws {
        var fields = headers
        fields[.contentType] = "text/event-stream"
        fields[.cacheControl] = "no-cache"
        outcome.status = 200
        var body = try await writer.writeHead(HTTPResponse(status: .ok, headerFields: fields))
        var tracker = EventTracker()
        var ended = false
        func write(_ buffer: ByteBuffer, events: [ServerSentEvent], outcome: inout RelayOutcome) async throws {
            tracker.observe(events)
            outcome.update(from: tracker)
            if !ended, tracker.terminalType != nil {
                ended = true
                // The row counts the bytes of the chunk that carries the end, about to be written.
                var end = outcome
                end.bytes += buffer.readableBytes
                beforeEnd(end)
            }
            guard buffer.readableBytes > 0 else { return }
            try await body.write(buffer)
            outcome.bytes += buffer.readableBytes
        }
        var held = stream.heldBytes.makeIterator()
        if let first = held.next() { try await write(first, events: stream.heldEvents, outcome: &outcome) }
        while let buffer = held.next() { try await write(buffer, events: [], outcome: &outcome) }
        while true {
            let chunk: UpstreamChunk?
            do {
                chunk = try await stream.next()
            } catch .cancelled {
                throw CancellationError()
            } catch {
                outcome.interruption = error
                break
            }
            guard let chunk else { break }
            try await write(chunk.bytes, events: chunk.events, outcome: &outcome)
        }
        if tracker.terminalType == nil {
            let reason = outcome.interruption?.description ?? "the upstream ended the stream before the response was complete"
            logger.warning(
                "upstream stream interrupted",
                metadata: ["rotor.reason": "\(reason)", "rotor.bytes": "\(outcome.bytes)"]
            )
            beforeEnd(outcome)
            let event = StreamInterruption.event(responseID: tracker.responseID, reason: reason)
            try await body.write(ByteBuffer(bytes: event))
            outcome.bytes += event.count
        }
        try await body.finish(nil)
    }

    /// Reads `stream` to its end and answers one JSON response: the final `response` (200), the upstream failure
    /// (429/502), or a rotor error when the stream broke — nothing reached the client before, so any status works.
    static func aggregate(
        _ stream: UpstreamStream,
        to writer: consuming ResponseWriter,
        headers: HTTPFields,
        logger: Logger,
        outcome: inout RelayOutcome,
        beforeEnd: (RelayOutcome) -> Void
    ) async throws {
        var aggregator = ResponseAggregator()
        var tracker = EventTracker()
        for event in stream.heldEvents { aggregator.consume(event) }
        tracker.observe(stream.heldEvents)
        while true {
            do {
                guard let chunk = try await stream.next() else { break }
                for event in chunk.events { aggregator.consume(event) }
                tracker.observe(chunk.events)
            } catch .cancelled {
                throw CancellationError()
            } catch {
                outcome.interruption = error
                break
            }
        }
        outcome.update(from: tracker)
        switch aggregator.result() {
        case .completed(let body):
            outcome.status = 200
            outcome.bytes = body.count
            beforeEnd(outcome)
            try await writer.writeComplete(status: .ok, contentType: "application/json", headers: headers, body: body)
        case .failed(let status, let body):
            outcome.status = status
            outcome.bytes = body.count
            beforeEnd(outcome)
            try await writer.writeComplete(
                status: HTTPResponse.Status(code: status),
                contentType: "application/json",
                headers: headers,
                body: body
            )
        case .incomplete:
            let answer: ProxyAnswer =
                switch outcome.interruption {
                case .idleTimeout: .upstreamStalled
                default: .upstreamStreamIncomplete
                }
            logger.warning("upstream stream interrupted", metadata: ["rotor.reason": "\(outcome.interruption?.description ?? "ended early")"])
            outcome.status = answer.status
            outcome.bytes = answer.body.count
            beforeEnd(outcome)
            try await writer.writeAnswer(answer, headers: headers)
        }
    }
}
