/// How long rotor waits for the upstream; Codex itself waits forever for response headers, so these are the
/// user's only protection against a hung upstream.
public struct UpstreamTimeouts: Hashable, Sendable {
    /// Establishing the connection (TCP and TLS). Default 10 s (`ROTOR_CONNECT_TIMEOUT`).
    public var connect: Duration
    /// From sending the request to the response head. Default 120 s (`ROTOR_HEADER_TIMEOUT`).
    public var header: Duration
    /// The longest upstream silence between two SSE events (also before the first), counted only while rotor waits
    /// for upstream bytes. Default 300 s (`ROTOR_IDLE_TIMEOUT`).
    public var idle: Duration

    /// Timeouts with the documented defaults unless given.
    public init(connect: Duration = .seconds(10), header: Duration = .seconds(120), idle: Duration = .seconds(300)) {
        self.connect = connect
        self.header = header
        self.idle = idle
    }
}
