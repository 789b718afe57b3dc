import HTTPTypes
import HummingbirdCore
import Logging
import NIOCore
import RotorCore

/// The upstream's own failure, passed to the client as it came when nothing else reached it: the request was wrong,
/// or the last attempt's answer says more than rotor could.
enum UpstreamFailureAnswer {
    /// A non-2xx answer: its status, headers and body.
    case response(status: Int, headers: HTTPFields, body: [UInt8])
    /// A 2xx answer whose first event was `response.failed` or `error`.
    case failedEvent(ServerSentEvent, headers: HTTPFields)

    /// The answer `failure` carries, byte for byte; `nil` for a failure that got none (no head, a timeout, a stream
    /// that ended).
    init?(_ failure: AttemptFailure) {
        switch failure.kind {
        case .status:
            self = .response(status: failure.status ?? 502, headers: failure.headers, body: failure.body)
        case .failedEvent:
            guard let event = failure.firstEvent else { return nil }
            self = .failedEvent(event, headers: failure.headers)
        case .network, .headerTimeout, .idleTimeout, .streamEnded, .cancelled:
            return nil
        }
    }

    /// The upstream answer routing kept to relay when the request gave up after it (a failed event is rebuilt from
    /// its type and data; routing relays only whole responses then).
    init(_ answer: RequestRouting.UpstreamAnswer) {
        var headers = HTTPFields()
        for field in answer.headers {
            guard let name = HTTPField.Name(field.name) else { continue }
            headers.append(HTTPField(name: name, value: field.value))
        }
        guard answer.isFailedEvent else {
            self = .response(status: answer.status, headers: headers, body: answer.body)
            return
        }
        let type = Self.eventType(of: answer.body)
        let raw = Array("event: \(type)\ndata: ".utf8) + answer.body + Array("\n\n".utf8)
        self = .failedEvent(ServerSentEvent(raw: raw, event: type, data: answer.body), headers: headers)
    }

    /// The `type` member of an event's JSON data (`response.failed` or `error`); `response.failed` if it has none.
    private static func eventType(of data: [UInt8]) -> String {
        let scanner = JSONScanner(data)
        guard let object = try? scanner.object(at: scanner.skipWhitespace(from: 0)), let type = object.member("type"),
            let value = try? scanner.string(at: type.valueRange.lowerBound).value
        else { return "response.failed" }
        return value
    }

    /// Writes the answer: the upstream's status and body, or its failed first event (as a stream, or as 429/502
    /// JSON for a client that asked for one JSON answer).
    func write(
        wantsStream: Bool,
        to writer: consuming ResponseWriter,
        headers: HTTPFields,
        logger: Logger
    ) async throws {
        var fields = headers
        switch self {
        case .response(let status, let upstreamHeaders, let body):
            logger.warning("relaying the upstream's failure", metadata: ["rotor.upstream-status": "\(status)"])
            fields.append(contentsOf: UpstreamHeaders.response(from: upstreamHeaders))
            try await writer.writeComplete(
                status: HTTPResponse.Status(code: status),
                contentType: upstreamHeaders[.contentType] ?? "application/json",
                headers: fields,
                body: body
            )
        case .failedEvent(let event, let upstreamHeaders):
            logger.warning("relaying the upstream's failed first event", metadata: ["rotor.event": "\(event.type ?? "none")"])
            fields.append(contentsOf: UpstreamHeaders.response(from: upstreamHeaders))
            if wantsStream {
                try await writer.writeComplete(status: .ok, contentType: "text/event-stream", headers: fields, body: event.raw)
                return
            }
            var aggregator = ResponseAggregator()
            aggregator.consume(event)
            // An event whose data is not a JSON object leaves the aggregator without a result to relay.
            guard case .failed(let status, let body) = aggregator.result() else {
                try await writer.writeAnswer(.upstreamFailedWithoutDetails, headers: fields)
                return
            }
            try await writer.writeComplete(
                status: HTTPResponse.Status(code: status),
                contentType: "application/json",
                headers: fields,
                body: body
            )
        }
    }
}
