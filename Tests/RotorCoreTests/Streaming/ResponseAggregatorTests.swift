import RotorCore
import Testing

struct ResponseAggregatorTests {
    private func event(_ type: String, _ data: String) -> ServerSentEvent {
        ServerSentEvent(raw: ServerSentEvent.encode(type: type, data: Array(data.utf8)), event: type, data: Array(data.utf8))
    }

    private func aggregate(_ events: [ServerSentEvent]) -> AggregatedResponse {
        var aggregator = ResponseAggregator()
        for event in events { aggregator.consume(event) }
        return aggregator.result()
    }

    private func body(_ result: AggregatedResponse) -> String? {
        guard case .completed(let body) = result else { return nil }
        return String(decoding: body, as: UTF8.self)
    }

    private let itemA = #"{"type":"reasoning","id":"rs_1","n":123456789012345678901234567890}"#
    private let itemB = #"{"type":"message","id":"msg_1","content":[{"type":"output_text","text":"hi"}]}"#

    /// An empty `output` is filled from the `output_item.done` items in `output_index` order.
    @Test func fillsAnEmptyOutputInIndexOrder() {
        let result = aggregate([
            event("response.created", #"{"type":"response.created","response":{"id":"r"}}"#),
            event("response.output_item.done", #"{"type":"response.output_item.done","output_index":1,"item":\#(itemB)}"#),
            event("response.output_item.done", #"{"type":"response.output_item.done","output_index":0,"item":\#(itemA)}"#),
            event("response.completed", #"{"type":"response.completed","response":{"id":"r","output": [ ],"usage":{"total_tokens":3}}}"#),
        ])
        #expect(body(result) == #"{"id":"r","output": [\#(itemA),\#(itemB)],"usage":{"total_tokens":3}}"#)
    }

    /// A missing `output` is added; a non-empty one is kept as sent.
    @Test func addsMissingOutputAndKeepsAPresentOne() {
        let done = event("response.output_item.done", #"{"type":"response.output_item.done","output_index":0,"item":\#(itemB)}"#)
        #expect(body(aggregate([done, event("response.completed", #"{"response":{"id":"r"}}"#)])) == #"{"id":"r","output":[\#(itemB)]}"#)
        #expect(body(aggregate([done, event("response.completed", #"{"response":{"output":[1]}}"#)])) == #"{"output":[1]}"#)
        #expect(body(aggregate([event("response.completed", #"{"response":{"output":[]}}"#)])) == #"{"output":[]}"#)
    }

    /// `response.failed` is a 429 for rate-limit codes and a 502 otherwise, with the upstream error.
    @Test(arguments: [("rate_limit_exceeded", 429), ("usage_limit_reached", 429), ("server_error", 502)])
    func mapsFailures(code: String, status: Int) {
        let error = #"{"code":"\#(code)","message":"try again in 7s"}"#
        let result = aggregate([event("response.failed", #"{"type":"response.failed","response":{"id":"r","status":"failed","error":\#(error)}}"#)])
        #expect(result == .failed(status: status, body: Array(#"{"error":\#(error)}"#.utf8)))
    }

    /// `response.failed` without an error object is rotor's own 502 `rotor_upstream_unavailable`.
    @Test(arguments: [#"{"type":"response.failed","response":{"id":"r","status":"failed"}}"#,
                      #"{"type":"response.failed","response":{"id":"r","error":null}}"#])
    func reportsAFailureWithoutDetails(data: String) {
        let expected = #"{"error":{"code":"rotor_upstream_unavailable","message":"The upstream reported a failed response without details; try again.","type":"server_error"}}"#
        #expect(aggregate([event("response.failed", data)]) == .failed(status: 502, body: Array(expected.utf8)))
    }

    /// A stream without a terminal event is incomplete; events after the terminal one are ignored.
    @Test func reportsIncompleteStreamsAndStopsAtTheEnd() {
        #expect(aggregate([event("response.created", #"{"response":{"id":"r"}}"#)]) == .incomplete)
        let result = aggregate([
            event("response.completed", #"{"response":{"id":"r"}}"#),
            event("response.failed", #"{"response":{"error":{"code":"x"}}}"#),
        ])
        #expect(body(result) == #"{"id":"r"}"#)
    }
}
