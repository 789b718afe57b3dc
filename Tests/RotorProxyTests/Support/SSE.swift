import Hummingbird
import NIOCore

/// Builds the SSE answers of a fake upstream.
enum SSE {
    /// `event: <type>\ndata: <data>\n\n`.
    static func event(_ type: String, _ data: String) -> String {
        "event: \(type)\ndata: \(data)\n\n"
    }

    static func created(_ id: String = "resp_1") -> String {
        event("response.created", #"{"type":"response.created","response":{"id":"\#(id)","status":"in_progress","output":[]}}"#)
    }

    static func textDelta(_ text: String) -> String {
        event("response.output_text.delta", #"{"type":"response.output_text.delta","output_index":0,"delta":"\#(text)"}"#)
    }

    static func itemDone(index: Int, item: String) -> String {
        event("response.output_item.done", #"{"type":"response.output_item.done","output_index":\#(index),"item":\#(item)}"#)
    }

    static func completed(_ id: String = "resp_1", output: String = "[]") -> String {
        event(
            "response.completed",
            #"{"type":"response.completed","response":{"id":"\#(id)","status":"completed","output":\#(output),"usage":{"input_tokens":5,"input_tokens_details":{"cached_tokens":0},"output_tokens":2,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":7}}}"#
        )
    }

    static func failed(code: String, message: String = "try again in 7s") -> String {
        event(
            "response.failed",
            #"{"type":"response.failed","response":{"id":"resp_f","status":"failed","error":{"code":"\#(code)","message":"\#(message)"}}}"#
        )
    }

    /// A complete successful stream.
    static var okStream: String {
        created() + textDelta("hi") + itemDone(index: 0, item: message("hi")) + completed()
    }

    static func message(_ text: String) -> String {
        #"{"type":"message","id":"msg_1","role":"assistant","status":"completed","content":[{"type":"output_text","text":"\#(text)"}]}"#
    }

    /// A 200 `text/event-stream` response with `text` as its body.
    static func response(_ text: String, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "text/event-stream"
        return Response(status: .ok, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// A 200 `text/event-stream` response whose body `write` produces.
    static func streaming(
        headers: HTTPFields = [:],
        _ write: @escaping @Sendable (inout any ResponseBodyWriter) async throws -> Void
    ) -> Response {
        var fields = headers
        fields[.contentType] = "text/event-stream"
        return Response(status: .ok, headers: fields, body: ResponseBody { writer in
            try await write(&writer)
            try await writer.finish(nil)
        })
    }
}
