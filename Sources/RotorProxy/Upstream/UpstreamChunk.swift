import NIOCore
import RotorCore

/// Whole SSE events read from the upstream: their bytes and the events parsed from them.
public struct UpstreamChunk: Sendable {
    /// The bytes exactly as received, ending where an event ends (relayed to streaming clients unchanged).
    public var bytes: ByteBuffer
    /// The events in these bytes, in order.
    public var events: [ServerSentEvent]
}
