/// One server-sent event as received from the upstream.
public struct ServerSentEvent: Hashable, Sendable {
    /// The bytes of the event block exactly as received, including the blank line that ended it.
    public var raw: [UInt8]
    /// The `event:` field, when present.
    public var event: String?
    /// The `data:` lines joined by `\n` (the `data` of the SSE specification).
    public var data: [UInt8]

    /// Builds an event from its parts.
    public init(raw: [UInt8], event: String?, data: [UInt8]) {
        self.raw = raw
        self.event = event
        self.data = data
    }

    /// The Responses API event type: the `event:` field, else the top-level `"type"` of the JSON data.
    public var type: String? {
        if let event { return event }
        let scanner = JSONScanner(data)
        guard let object = try? scanner.object(at: scanner.skipWhitespace(from: 0)),
            let member = object.member("type"),
            let value = try? scanner.string(at: member.valueRange.lowerBound)
        else { return nil }
        return value.value
    }

    /// Whether the block carried no data (a comment or keep-alive): it keeps a stream alive but means nothing.
    public var isKeepAlive: Bool { data.isEmpty && event == nil }

    /// Event types after which a Responses stream is over.
    public static let terminalTypes: Set<String> = ["response.completed", "response.incomplete", "response.failed", "error"]

    /// Whether the Responses stream is over after this event.
    public var isTerminal: Bool { type.map(Self.terminalTypes.contains) ?? false }

    /// The bytes of an SSE event `event: <type>\ndata: <data>\n\n`.
    public static func encode(type: String, data: [UInt8]) -> [UInt8] {
        Array("event: \(type)\ndata: ".utf8) + data + Array("\n\n".utf8)
    }
}
