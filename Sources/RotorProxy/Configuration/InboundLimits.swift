import RotorCore

/// How long, and how many, client connections the proxy holds, so that an idle or slow local client cannot use up
/// rotor's file descriptors and stall the requests of the user's own tools.
public struct InboundLimits: Hashable, Sendable {
    /// Until a complete request head arrives: from the connection's start, or from the first byte of a later
    /// request on a kept-alive connection. Default 10 s (`ROTOR_REQUEST_HEAD_TIMEOUT`).
    public var requestHead: Duration
    /// The longest idle time between requests on a kept-alive connection. Default 120 s
    /// (`ROTOR_KEEPALIVE_TIMEOUT`): longer than clients keep idle pooled connections, so rotor rarely cuts one.
    public var keepAlive: Duration
    /// The longest pause within a request body; a longer one is answered 408. Default 60 s (`ROTOR_BODY_TIMEOUT`).
    public var requestBody: Duration
    /// The most client connections open at once. Default 512 (`ROTOR_MAX_CONNECTIONS`).
    public var maxConnections: Int

    /// Limits with the documented defaults unless given.
    public init(
        requestHead: Duration = .seconds(10),
        keepAlive: Duration = .seconds(120),
        requestBody: Duration = .seconds(60),
        maxConnections: Int = 512
    ) {
        self.requestHead = requestHead
        self.keepAlive = keepAlive
        self.requestBody = requestBody
        self.maxConnections = maxConnections
    }

    /// How long `timer` runs.
    public func duration(of timer: InboundConnection.Timer) -> Duration {
        switch timer {
        case .requestHead: requestHead
        case .keepAlive: keepAlive
        case .requestBody: requestBody
        }
    }
}
