import HTTPTypes
import HummingbirdCore
import Logging
import NIOCore
import RotorCore

/// What the client gets when the last attempt failed before anything reached it.
enum UpstreamFailureAnswer {
    /// Writes the answer for `failure`: the upstream's own status and body when it answered one, its failed first
    /// event (as a stream, or as 429/502 JSON for non-streaming clients), or a rotor error (502/504).
    static func write(
        _ failure: AttemptFailure,
        wantsStream: Bool,
        to writer: consuming ResponseWriter,
        headers: HTTPFields,
        logger: Logger
    ) async throws {
        logger.warning(
            "upstream attempt failed",
            metadata: [
                "rotor.outcome": "\(failure.kind.rawValue)", "rotor.reason": "\(failure.reason)",
                "rotor.upstream-status": "\(failure.status.map(String.init) ?? "none")",
            ]
        )
        var fields = headers
        fields.append(contentsOf: UpstreamHeaders.response(from: failure.headers))
        switch failure.kind {
        case .status:
            let contentType = failure.headers[.contentType] ?? "application/json"
            try await writer.writeComplete(
                status: HTTPResponse.Status(code: failure.status ?? 502),
                contentType: contentType,
                headers: fields,
                body: failure.body
            )
        case .failedEvent:
            guard let event = failure.firstEvent else {
                try await writer.writeError(.upstreamIncomplete, headers: fields)
                return
            }
            if wantsStream {
                try await writer.writeComplete(status: .ok, contentType: "text/event-stream", headers: fields, body: event.raw)
                return
            }
            var aggregator = ResponseAggregator()
            aggregator.consume(event)
            guard case .failed(let status, let body) = aggregator.result() else {
                try await writer.writeError(.upstreamIncomplete, headers: fields)
                return
            }
            try await writer.writeComplete(
                status: HTTPResponse.Status(code: status),
                contentType: "application/json",
                headers: fields,
                body: body
            )
        case .network:
            try await writer.writeError(.upstreamUnreachable(failure.reason), headers: fields)
        case .headerTimeout:
            try await writer.writeError(.upstreamTimeout("response headers"), headers: fields)
        case .idleTimeout:
            try await writer.writeError(.upstreamTimeout("event"), headers: fields)
        case .streamEnded:
            try await writer.writeError(.upstreamIncomplete, headers: fields)
        case .cancelled:
            throw CancellationError()
        }
    }
}
