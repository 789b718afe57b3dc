import HTTPTypes
import HummingbirdCore
import NIOCore
import RotorCore

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

    /// Writes one of rotor's own answers: its status, `Retry-After` when it has one, and its JSON body.
    consuming func writeAnswer(_ answer: ProxyAnswer, headers: HTTPFields) async throws {
        var fields = headers
        if let seconds = answer.retryAfterSeconds { fields[.retryAfter] = String(seconds) }
        try await writeComplete(status: HTTPResponse.Status(code: answer.status), contentType: "application/json",
                                headers: fields, body: answer.body)
    }
}
