import HTTPTypes
import HummingbirdCore
import NIOCore

extension ResponseWriter {
    /// Writes a complete response with `body` and its `content-length`.
    consuming func writeComplete(
        status: HTTPResponse.Status,
        contentType: String,
        headers: HTTPFields,
        body: [UInt8]
    ) async throws {
        var fields = headers
        fields[.contentType] = contentType
        fields[.contentLength] = String(body.count)
        try await write(
            response: HTTPResponse(status: status, headerFields: fields),
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body))
        )
    }

    /// Writes `error` as its status and JSON error body.
    consuming func writeError(_ error: ProxyError, headers: HTTPFields) async throws {
        var fields = headers
        fields.append(contentsOf: error.headers)
        try await writeComplete(status: error.status, contentType: "application/json", headers: fields, body: error.body)
    }
}

/// Holds the connection's response writer until the code that answers takes it.
///
/// `ResponseWriter` is non-copyable, and the answer is written inside a task that is cancelled when the client
/// goes away; the slot moves the writer into it. `@unchecked Sendable`: the writer is taken exactly once, by that
/// task, and the slot is never touched again.
final class ResponseWriterSlot: @unchecked Sendable {
    private var writer: ResponseWriter?

    init(_ writer: consuming ResponseWriter) {
        self.writer = consume writer
    }

    /// The writer; taking it twice is a bug in rotor.
    func take() -> ResponseWriter {
        guard let writer = writer.take() else { preconditionFailure("the response writer was already taken") }
        return writer
    }
}
