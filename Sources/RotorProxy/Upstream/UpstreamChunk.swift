import NIOCore
import RotorCore

/// Bytes read from the upstream together with the SSE events they completed.
public struct UpstreamChunk: Sendable {
    /// The bytes exactly as received (relayed to streaming clients unchanged).
    public var bytes: ByteBuffer
    /// The events these bytes completed, in order.
    public var events: [ServerSentEvent]
}
