import Logging

/// A log handler that hands every message to a stream, so a test can await a logged event.
struct LogMessages: LogHandler {
    let continuation: AsyncStream<(Logger.Level, String)>.Continuation
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    /// A logger whose messages arrive on the returned stream.
    static func logger() -> (Logger, AsyncStream<(Logger.Level, String)>) {
        let (stream, continuation) = AsyncStream.makeStream(of: (Logger.Level, String).self)
        return (Logger(label: "test") { _ in LogMessages(continuation: continuation) }, stream)
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        continuation.yield((event.level, event.message.description))
    }
}
