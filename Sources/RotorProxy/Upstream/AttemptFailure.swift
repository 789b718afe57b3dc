import HTTPTypes
import RotorCore

/// A pre-send failure of one attempt, with everything the routing policy needs to classify it.
public struct AttemptFailure: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: String, Hashable, Sendable {
        /// Connecting or sending failed before a head: refused, reset, closed, DNS, TLS, the connect timeout.
        case network
        /// No response head within the header timeout.
        case headerTimeout
        /// A 2xx head arrived but no SSE event within the idle timeout.
        case idleTimeout
        /// The upstream answered a non-2xx status (`status`, `headers`, `body`).
        case status
        /// The first SSE event is `response.failed` or `error` (`firstEvent`).
        case failedEvent
        /// A 2xx body ended, or broke, before its first event.
        case streamEnded
        /// The request was cancelled (the client went away).
        case cancelled
    }

    /// What went wrong.
    public var kind: Kind
    /// For `.network`: refused, reset, timed out or TLS.
    public var connectionFailure: ConnectionFailure?
    /// The upstream status, when a head arrived.
    public var status: Int?
    /// Every upstream response header (names lower-case), when a head arrived: rate-limit signals live here.
    public var headers: HTTPFields
    /// The upstream body (at most 1 MiB) for `.status`, else empty.
    public var body: [UInt8]
    /// The failed first event for `.failedEvent`.
    public var firstEvent: ServerSentEvent?
    /// A short token-free description for logs.
    public var reason: String
    /// From sending the request to the head (or the failure).
    public var elapsed: Duration

    public var description: String { "\(kind.rawValue): \(reason)" }
}
