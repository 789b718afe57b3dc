import HTTPTypes
import NIOCore
import RotorCore

/// What one upstream attempt produced, decided before anything reached the client.
public enum AttemptResult: Sendable {
    /// The upstream answered 2xx and its first SSE event is not a failure: the commit point. Nothing has gone to
    /// the client yet; relaying the stream commits the request to this account.
    case ready(UpstreamStream)
    /// The attempt failed before anything reached the client; another account may be tried.
    case failed(AttemptFailure)
}

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

/// A committed-to-be upstream stream: the head, the first event, and the rest still to read.
///
/// The bytes received while rotor held the client's response are in `heldBytes`; relay them first, then
/// `next()` until `nil`. Dropping the stream unread cancels the upstream request.
public struct UpstreamStream: Sendable {
    /// The upstream status (2xx).
    public var status: Int
    /// Every upstream response header (names lower-case).
    public var headers: HTTPFields
    /// The first SSE event that is not a keep-alive.
    public var firstEvent: ServerSentEvent
    /// Every event parsed while holding, the first event among them, in order.
    public var heldEvents: [ServerSentEvent]
    /// Every byte received while holding, as received.
    public var heldBytes: [ByteBuffer]
    /// From sending the request to the first event.
    public var timeToFirstEvent: Duration
    let reader: UpstreamBodyReader

    /// The next chunk after the held bytes, or `nil` at the end; enforces the idle timeout.
    public func next() async throws(UpstreamReadFailure) -> UpstreamChunk? {
        try await reader.next()
    }
}
