import RotorCore
import Testing

struct ServerSentEventParserTests {
    private func parseAll(_ chunks: [String]) throws -> [ServerSentEvent] {
        var parser = ServerSentEventParser()
        var events: [ServerSentEvent] = []
        for chunk in chunks { events += try parser.parse(Array(chunk.utf8)) }
        if let last = parser.finish() { events.append(last) }
        return events
    }

    /// `data:` with or without the space, LF or CRLF or CR line ends: the same events.
    @Test(arguments: [
        "event: response.created\ndata: {\"type\":\"response.created\"}\n\n",
        "event:response.created\ndata:{\"type\":\"response.created\"}\n\n",
        "event: response.created\r\ndata: {\"type\":\"response.created\"}\r\n\r\n",
        "event: response.created\rdata: {\"type\":\"response.created\"}\r\r",
    ])
    func acceptsEverySpelling(stream: String) throws {
        let events = try parseAll([stream])
        #expect(events.count == 1)
        #expect(events.first?.type == "response.created")
        #expect(events.first.map { String(decoding: $0.data, as: UTF8.self) } == #"{"type":"response.created"}"#)
        #expect(events.first?.raw == Array(stream.utf8))
    }

    /// Split at every possible byte boundary, a stream parses to the same events.
    @Test func isIndependentOfChunkBoundaries() throws {
        let stream = "event: a\r\ndata: {\"n\":1}\r\n\r\n: keep-alive\n\ndata: {\"type\":\"b\"}\ndata: more\n\n"
        let whole = try parseAll([stream])
        #expect(whole.map(\.type) == ["a", nil, "b"])
        for split in 1..<stream.utf8.count {
            let bytes = Array(stream.utf8)
            var parser = ServerSentEventParser()
            var events = try parser.parse(bytes[..<split])
            events += try parser.parse(bytes[split...])
            #expect(events == whole, "split at \(split)")
        }
        let oneByteAtATime = try parseAll(stream.map { String($0) })
        #expect(oneByteAtATime == whole)
    }

    /// Several data lines join with a newline; comments produce keep-alive blocks only.
    @Test func joinsDataLinesAndReportsKeepAlives() throws {
        let events = try parseAll([": ping\n\ndata: a\ndata: b\n\n"])
        #expect(events.count == 2)
        #expect(events[0].isKeepAlive)
        #expect(String(decoding: events[1].data, as: UTF8.self) == "a\nb")
        #expect(events[1].type == nil)
    }

    /// The type comes from the `event:` field, else from the JSON data's `type`.
    @Test func takesTheTypeFromDataWhenNoEventField() throws {
        let events = try parseAll(["data: {\"item\":{\"type\":\"x\"},\"type\":\"response.output_item.done\"}\n\n"])
        #expect(events.first?.type == "response.output_item.done")
    }

    /// A final event without its blank line still counts at the end of the stream.
    @Test func keepsAnUnterminatedFinalEvent() throws {
        let events = try parseAll(["event: response.completed\ndata: {}"])
        #expect(events.map(\.type) == ["response.completed"])
    }

    /// An event above the limit is refused instead of buffered without bound.
    @Test func refusesOversizedEvents() {
        var parser = ServerSentEventParser(maximumEventBytes: 16)
        #expect(throws: ServerSentEventTooLarge.self) { try parser.parse(Array("data: 0123456789abcdef".utf8)) }
    }

    /// Completed events are not kept: the buffer holds only the unfinished one.
    @Test func returnsEachEventOnce() throws {
        var parser = ServerSentEventParser()
        #expect(try parser.parse(Array("data: 1\n\ndata: 2".utf8)).count == 1)
        #expect(try parser.parse(Array("\n\n".utf8)).map { String(decoding: $0.data, as: UTF8.self) } == ["2"])
        #expect(parser.finish() == nil)
    }

    // MARK: - Whole events for a relay

    /// Split at every byte boundary, the bytes handed out end where events end and, put together, are the stream
    /// unchanged (blank lines between events and comments included).
    @Test func handsOutWholeEventsAtEveryChunkBoundary() throws {
        let stream = "event: a\r\ndata: {\"n\":1}\r\n\r\n\n: keep-alive\n\ndata: {\"type\":\"b\"}\ndata: more\n\n"
        let bytes = Array(stream.utf8)
        let whole = try parseAll([stream])
        for split in 1..<bytes.count {
            var parser = ServerSentEventParser()
            let first = try parser.completeEvents(in: bytes[..<split])
            let second = try parser.completeEvents(in: bytes[split...])
            #expect(first.bytes + second.bytes == bytes, "split at \(split)")
            #expect(first.events + second.events == whole, "split at \(split)")
            var alone = ServerSentEventParser()
            #expect(try alone.parse(first.bytes) == first.events, "split at \(split): the first bytes are whole events")
            #expect(alone.finish() == nil, "split at \(split): no part of an event is handed out")
        }
    }

    /// An event's bytes are held until its blank line arrives; several complete events come out together.
    @Test func holdsAnUnfinishedEventUntilItsBlankLine() throws {
        var parser = ServerSentEventParser()
        let first = try parser.completeEvents(in: Array("data: 1\n\ndata: 2\n\ndata: 3".utf8))
        #expect(first.bytes == Array("data: 1\n\ndata: 2\n\n".utf8))
        #expect(first.events.map { String(decoding: $0.data, as: UTF8.self) } == ["1", "2"])
        let pending = try parser.completeEvents(in: Array("\n".utf8))
        #expect(pending.bytes.isEmpty)
        #expect(pending.events.isEmpty)
        let last = try parser.completeEvents(in: Array("\n".utf8))
        #expect(last.bytes == Array("data: 3\n\n".utf8))
        #expect(last.events.map { String(decoding: $0.data, as: UTF8.self) } == ["3"])
    }

    /// At the end, a terminal event without its blank line is completed; any other unfinished event is dropped.
    @Test(arguments: [
        ("event: response.completed\ndata: {\"type\":\"response.completed\"}", true),
        ("data: {\"type\":\"response.failed\",\"response\":{}}\n", true),
        ("data: {\"type\":\"response.output_text.delta\",\"del", false),
        ("event: response.output_text.delta\ndata: {}", false),
        ("\r", false),
    ])
    func finishesOnlyATerminalEvent(tail: String, kept: Bool) throws {
        var parser = ServerSentEventParser()
        let head = try parser.completeEvents(in: Array(("data: {}\n\n" + tail).utf8))
        #expect(head.bytes == Array("data: {}\n\n".utf8))
        let last = parser.finishCompleteEvents()
        if kept {
            #expect(last.bytes == Array((tail + "\n\n").utf8))
            #expect(last.events.count == 1)
            var client = ServerSentEventParser()
            #expect(try client.parse(last.bytes).map(\.type) == last.events.map(\.type), "the client sees it whole")
        } else {
            #expect(last.bytes.isEmpty)
            #expect(last.events.isEmpty)
        }
    }

    /// A 10 MiB event passes in 64 KiB pieces; the limit on one event still holds while it is held back.
    @Test func boundsTheEventItHolds() throws {
        let event = Array(("data: " + String(repeating: "x", count: 10 << 20) + "\n\n").utf8)
        var parser = ServerSentEventParser()
        var handedOut: [UInt8] = []
        var start = 0
        while start < event.count {
            handedOut += try parser.completeEvents(in: event[start..<min(start + (64 << 10), event.count)]).bytes
            start += 64 << 10
        }
        #expect(handedOut == event)
        var small = ServerSentEventParser(maximumEventBytes: 16)
        #expect(throws: ServerSentEventTooLarge.self) { try small.completeEvents(in: Array("data: 0123456789abcdef".utf8)) }
    }
}
