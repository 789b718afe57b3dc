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
