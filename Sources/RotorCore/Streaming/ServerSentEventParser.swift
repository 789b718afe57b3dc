/// The upstream sent an event larger than the parser accepts.
public struct ServerSentEventTooLarge: Error, Hashable, Sendable, CustomStringConvertible {
    /// The limit that was exceeded, in bytes.
    public var limit: Int

    public var description: String { "an upstream event exceeded \(limit) bytes" }
}

/// Whole events as a relay forwards them: bytes exactly as received that end where an event ends, and the events
/// in them.
public struct CompleteEvents: Hashable, Sendable {
    /// The received bytes up to the end of the last complete event (blank lines between events included).
    public var bytes: [UInt8]
    /// The events these bytes complete, in order.
    public var events: [ServerSentEvent]

    /// Bytes and the events they complete.
    public init(bytes: [UInt8], events: [ServerSentEvent]) {
        self.bytes = bytes
        self.events = events
    }
}

/// An incremental parser of `text/event-stream` bytes.
///
/// Feed it chunks as they arrive; it returns each event once its terminating blank line is in. Accepts `data:`
/// with or without the space, and LF, CRLF or CR line endings, also when a chunk boundary splits them.
/// ``completeEvents(in:)`` also returns the bytes of those events, so a relay forwards whole events only: an
/// unfinished event stays here (at most `maximumEventBytes`) until its blank line arrives.
/// Hand-written because no maintained Swift package parses SSE incrementally from raw bytes while keeping each
/// event's original bytes (needed to relay events exactly as received).
public struct ServerSentEventParser: Sendable {
    private var buffer: [UInt8] = []
    /// Where the current (unfinished) event starts in `buffer`.
    private var eventStart = 0
    /// Where the next unread line starts in `buffer`.
    private var lineStart = 0
    /// How far the search for the next line break already got, so partial lines are never rescanned.
    private var scanned = 0
    private var event: String?
    private var data: [UInt8] = []
    private var hasData = false
    private var sawField = false
    private let maximumEventBytes: Int

    /// A parser that refuses single events above `maximumEventBytes` (default 64 MiB).
    public init(maximumEventBytes: Int = 64 << 20) {
        self.maximumEventBytes = maximumEventBytes
    }

    /// Appends `bytes` and returns the events they completed, in order.
    public mutating func parse(_ bytes: some Collection<UInt8>) throws(ServerSentEventTooLarge) -> [ServerSentEvent] {
        let events = try scan(bytes)
        compact()
        return events
    }

    /// Appends `bytes` and returns the events they completed together with their bytes as received: everything up
    /// to the end of the last complete event. The bytes of an unfinished event are returned once it is complete.
    public mutating func completeEvents(
        in bytes: some Collection<UInt8>
    ) throws(ServerSentEventTooLarge) -> CompleteEvents {
        let events = try scan(bytes)
        let complete: [UInt8]
        if eventStart == buffer.count {
            complete = buffer
            buffer = []
            lineStart = 0
            scanned = 0
            eventStart = 0
        } else {
            complete = Array(buffer[..<eventStart])
            compact()
        }
        return CompleteEvents(bytes: complete, events: events)
    }

    /// Ends the stream for a relay: an event still waiting for its blank line is kept, with a blank line added,
    /// only when it ends the response (a terminal event the upstream sent without its blank line); any other
    /// unfinished event is dropped, since a client can do nothing with part of an event.
    public mutating func finishCompleteEvents() -> CompleteEvents {
        guard let last = finish(), last.isTerminal else { return CompleteEvents(bytes: [], events: []) }
        return CompleteEvents(bytes: last.raw + Array("\n\n".utf8), events: [last])
    }

    /// Appends `bytes` and returns the events they completed; the buffer still holds the completed bytes.
    private mutating func scan(_ bytes: some Collection<UInt8>) throws(ServerSentEventTooLarge) -> [ServerSentEvent] {
        buffer.append(contentsOf: bytes)
        var events: [ServerSentEvent] = []
        while let (lineEnd, next) = nextLineBreak() {
            let line = buffer[lineStart..<lineEnd]
            lineStart = next
            if line.isEmpty {
                if sawField {
                    events.append(dispatch(upTo: next))
                } else {
                    eventStart = next
                }
            } else {
                sawField = true
                process(line)
            }
        }
        if buffer.count - eventStart > maximumEventBytes {
            throw ServerSentEventTooLarge(limit: maximumEventBytes)
        }
        return events
    }

    /// Ends the stream: returns an event whose blank line never came, if it carried data.
    ///
    /// The SSE specification drops such an event; rotor keeps it so that a final `response.completed` sent
    /// without its trailing blank line still counts.
    public mutating func finish() -> ServerSentEvent? {
        if lineStart < buffer.count {
            let line = buffer[lineStart...]
            if line.last == UInt8(ascii: "\r") {
                process(line.dropLast())
            } else {
                process(line)
            }
            sawField = true
            lineStart = buffer.count
        }
        guard sawField, hasData || event != nil else { return nil }
        return dispatch(upTo: buffer.count)
    }

    /// The end of the next complete line at or after `lineStart` and where the line after it starts.
    private mutating func nextLineBreak() -> (Int, Int)? {
        var index = max(lineStart, scanned)
        while index < buffer.count {
            switch buffer[index] {
            case UInt8(ascii: "\n"):
                return (index, index + 1)
            case UInt8(ascii: "\r"):
                guard index + 1 < buffer.count else {
                    scanned = index
                    return nil
                }
                return (index, buffer[index + 1] == UInt8(ascii: "\n") ? index + 2 : index + 1)
            default:
                index += 1
            }
        }
        scanned = index
        return nil
    }

    private mutating func process(_ line: ArraySlice<UInt8>) {
        if line.first == UInt8(ascii: ":") { return }
        let colon = line.firstIndex(of: UInt8(ascii: ":"))
        let name = line[line.startIndex..<(colon ?? line.endIndex)]
        var value = colon.map { line[($0 + 1)...] } ?? []
        if value.first == UInt8(ascii: " ") { value = value.dropFirst() }
        if name.elementsEqual("data".utf8) {
            if hasData { data.append(UInt8(ascii: "\n")) }
            data.append(contentsOf: value)
            hasData = true
        } else if name.elementsEqual("event".utf8) {
            event = String(decoding: value, as: UTF8.self)
        }
    }

    private mutating func dispatch(upTo end: Int) -> ServerSentEvent {
        let parsed = ServerSentEvent(raw: Array(buffer[eventStart..<end]), event: event, data: data)
        eventStart = end
        event = nil
        data = []
        hasData = false
        sawField = false
        return parsed
    }

    /// Drops bytes of events already returned so the buffer only holds the unfinished event.
    private mutating func compact() {
        guard eventStart > 0 else { return }
        buffer.removeFirst(eventStart)
        lineStart -= eventStart
        scanned = max(0, scanned - eventStart)
        eventStart = 0
    }
}
