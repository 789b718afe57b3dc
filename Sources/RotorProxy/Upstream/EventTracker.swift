import RotorCore

/// Follows a stream's events: the response id, the terminal event, the completed or failed event, and the last
/// `codex.rate_limits` event.
struct EventTracker {
    private(set) var responseID: String?
    private(set) var terminalType: String?
    private(set) var completed: ServerSentEvent?
    private(set) var failed: ServerSentEvent?
    private(set) var rateLimits: ServerSentEvent?

    mutating func observe(_ events: [ServerSentEvent]) {
        for event in events where !event.isKeepAlive {
            let type = event.type
            if responseID == nil { responseID = Self.responseID(in: event) }
            if type == "codex.rate_limits" { rateLimits = event }
            if let type, ServerSentEvent.terminalTypes.contains(type) {
                terminalType = type
                if type == "response.completed" { completed = event }
                if type == "response.failed" || type == "error" { failed = event }
            }
        }
    }

    private static func responseID(in event: ServerSentEvent) -> String? {
        let scanner = JSONScanner(event.data)
        guard let object = try? scanner.object(at: scanner.skipWhitespace(from: 0)),
            let response = object.member("response"),
            let inner = try? scanner.object(at: response.valueRange.lowerBound),
            let id = inner.member("id")
        else { return nil }
        return try? scanner.string(at: id.valueRange.lowerBound).value
    }
}
