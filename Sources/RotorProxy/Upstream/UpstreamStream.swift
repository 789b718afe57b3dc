import HTTPTypes
import NIOCore
import RotorCore

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
    /// The whole events received while holding, as received.
    public var heldBytes: [ByteBuffer]
    /// From sending the request to the first event.
    public var timeToFirstEvent: Duration
    let reader: UpstreamBodyReader

    /// The next chunk after the held bytes, or `nil` at the end; enforces the idle timeout.
    public func next() async throws(UpstreamReadFailure) -> UpstreamChunk? {
        try await reader.next()
    }
}
