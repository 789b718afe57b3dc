/// The single JSON answer rotor gives a client that did not ask for a stream.
public enum AggregatedResponse: Hashable, Sendable {
    /// HTTP 200 with the final `response` object.
    case completed(body: [UInt8])
    /// The upstream reported a failure: HTTP `status` (429 for rate limits, else 502) with `{"error": …}`.
    case failed(status: Int, body: [UInt8])
    /// The stream ended before any terminal event.
    case incomplete
}

/// Folds a Responses API event stream into the one JSON response a non-streaming client expects.
///
/// The answer is the `response` of `response.completed` (or `response.incomplete`). The real backend is reported
/// to send that object with `output: []`, the items arriving only in `response.output_item.done` events: when
/// `output` is missing or empty it is filled from those items in `output_index` order. Bytes are spliced, never
/// re-encoded, so numbers and unknown members reach the client exactly as the upstream sent them.
public struct ResponseAggregator: Sendable {
    /// Error codes that make a failed response a 429 instead of a 502.
    public static let rateLimitCodes: Set<String> = ["rate_limit_exceeded", "usage_limit_reached"]

    private var items: [Int: [UInt8]] = [:]
    private var terminal: Terminal?

    private enum Terminal: Hashable, Sendable {
        case response([UInt8])
        case failure(status: Int, body: [UInt8])
    }

    /// An aggregator that has seen no event yet.
    public init() {}

    /// Takes the next event of the stream.
    public mutating func consume(_ event: ServerSentEvent) {
        guard terminal == nil, let type = event.type else { return }
        let scanner = JSONScanner(event.data)
        guard let object = try? scanner.object(at: scanner.skipWhitespace(from: 0)) else { return }
        switch type {
        case "response.output_item.done":
            guard let index = object.member("output_index").flatMap({ integer(in: event.data, at: $0.valueRange) }),
                let item = object.member("item")
            else { return }
            items[index] = Array(event.data[item.valueRange])
        case "response.completed", "response.incomplete":
            guard let response = object.member("response") else { return }
            terminal = .response(Array(event.data[response.valueRange]))
        case "response.failed":
            terminal = failure(errorOf: object.member("response"), in: scanner)
        case "error":
            terminal = failure(error: object.range, code: object.member("code"), in: scanner)
        default:
            break
        }
    }

    /// The answer for the client, given the events consumed so far.
    public func result() -> AggregatedResponse {
        switch terminal {
        case .none:
            return .incomplete
        case .failure(let status, let body):
            return .failed(status: status, body: body)
        case .response(let response):
            return .completed(body: filledOutput(response))
        }
    }

    private func failure(errorOf response: JSONMember?, in scanner: JSONScanner) -> Terminal {
        guard let response, let object = try? scanner.object(at: response.valueRange.lowerBound),
            let error = object.member("error"), scanner.bytes[error.valueRange.lowerBound] == UInt8(ascii: "{"),
            let errorObject = try? scanner.object(at: error.valueRange.lowerBound)
        else {
            let answer = ProxyAnswer.upstreamFailedWithoutDetails
            return .failure(status: answer.status, body: answer.body)
        }
        return failure(error: errorObject.range, code: errorObject.member("code"), in: scanner)
    }

    private func failure(error: Range<Int>, code: JSONMember?, in scanner: JSONScanner) -> Terminal {
        let codeValue = code.flatMap { try? scanner.string(at: $0.valueRange.lowerBound).value }
        let status = codeValue.map { Self.rateLimitCodes.contains($0) } == true ? 429 : 502
        let body = Array(#"{"error":"#.utf8) + scanner.bytes[error] + Array("}".utf8)
        return .failure(status: status, body: body)
    }

    private func filledOutput(_ response: [UInt8]) -> [UInt8] {
        guard !items.isEmpty else { return response }
        let scanner = JSONScanner(response)
        guard let object = try? scanner.object(at: 0) else { return response }
        let ordered = items.keys.sorted().map { items[$0] ?? [] }
        var list: [UInt8] = [UInt8(ascii: "[")]
        for (position, item) in ordered.enumerated() {
            if position > 0 { list.append(UInt8(ascii: ",")) }
            list.append(contentsOf: item)
        }
        list.append(UInt8(ascii: "]"))
        if let output = object.member("output") {
            let value = output.valueRange
            let isNull = Array(response[value]) == Array("null".utf8)
            let isEmpty = (try? scanner.array(at: value.lowerBound))?.elements.isEmpty ?? false
            guard isNull || isEmpty else { return response }
            return ByteEdit.apply([ByteEdit(replacing: value, with: list)], to: response)
        }
        let member = Array(#""output":"#.utf8) + list
        if let last = object.members.last {
            return ByteEdit.apply([ByteEdit(inserting: [UInt8(ascii: ",")] + member, at: last.valueRange.upperBound)], to: response)
        }
        return ByteEdit.apply([ByteEdit(inserting: member, at: object.range.upperBound - 1)], to: response)
    }

    private func integer(in bytes: [UInt8], at range: Range<Int>) -> Int? {
        Int(String(decoding: bytes[range], as: UTF8.self))
    }
}
