/// What happened to one upstream attempt, as the proxy shell observed it.
///
/// The shell holds the client's response until the first SSE event arrived, so everything up to
/// ``success(status:headers:)`` or ``failedFirstEvent(status:headers:event:)`` is still pre-send: the request may move
/// to another account. Only ``streamBrokeAfterCommit(_:)`` happens after bytes reached the client.
public enum AttemptOutcome: Sendable {
    /// The connection failed before any response head.
    case connectFailed(ConnectionFailure)
    /// No response head arrived within the header timeout.
    case headerTimeout
    /// A 2xx head arrived but no SSE event followed within the idle timeout.
    case idleTimeoutBeforeFirstEvent(status: Int, headers: HeaderFields)
    /// A 2xx head whose body ended (or broke) before any SSE event: the stream could not start.
    case endedBeforeFirstEvent(status: Int, headers: HeaderFields)
    /// A non-2xx answer, read in full (bounded by the shell).
    case errorResponse(status: Int, headers: HeaderFields, body: [UInt8])
    /// A 2xx head whose first SSE event is `response.failed`; `event` is that event's JSON `data`.
    case failedFirstEvent(status: Int, headers: HeaderFields, event: [UInt8])
    /// A 2xx head followed by a normal first event: the stream can be committed to the client.
    case success(status: Int, headers: HeaderFields)
    /// The stream failed after bytes went to the client.
    case streamBrokeAfterCommit(StreamBreak)

    /// The upstream HTTP status, when a response head arrived before the commit.
    public var upstreamStatus: Int? {
        switch self {
        case .connectFailed, .headerTimeout, .streamBrokeAfterCommit: nil
        case .idleTimeoutBeforeFirstEvent(let status, _), .endedBeforeFirstEvent(let status, _),
            .errorResponse(let status, _, _),
            .failedFirstEvent(let status, _, _), .success(let status, _):
            status
        }
    }
}

/// How a connection attempt failed before any response head.
public enum ConnectionFailure: String, Hashable, Sendable {
    /// The upstream refused the connection.
    case refused
    /// The connection was reset or closed before a response head.
    case reset
    /// Connecting took longer than the connect timeout.
    case timedOut = "timed-out"
    /// The TLS handshake failed.
    case tls
}

/// How a committed stream ended early.
public enum StreamBreak: Hashable, Sendable {
    /// The upstream connection dropped.
    case connectionLost
    /// No SSE event arrived within the idle timeout.
    case idleTimeout
    /// A `response.failed` event arrived; its JSON `data`.
    case failedEvent([UInt8])
}
