import NIOCore
import NIOPosix
import Synchronization

/// A client connection to 127.0.0.1 on a NIO channel, for tests of how the proxy treats the connection itself: it
/// sends raw bytes and hands over what the proxy answers as it arrives, so a test awaits an answer or the proxy
/// closing the connection without blocking a thread (unlike ``RawConnection``).
final class RawClient {
    private let channel: any Channel
    private var chunks: AsyncStream<[UInt8]>.AsyncIterator
    private var buffer: [UInt8] = []

    private init(channel: any Channel, chunks: AsyncStream<[UInt8]>) {
        self.channel = channel
        self.chunks = chunks.makeAsyncIterator()
    }

    /// Opens a connection to `port` on 127.0.0.1.
    static func connect(port: Int) async throws -> RawClient {
        let (chunks, continuation) = AsyncStream<[UInt8]>.makeStream()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ChunkForwarder(continuation))
                }
            }
            .connect(host: "127.0.0.1", port: port)
            .get()
        return RawClient(channel: channel, chunks: chunks)
    }

    /// Whether the connection is still open on this side (it closes once the proxy has closed it).
    var isOpen: Bool { channel.isActive }

    /// Sends `text` as it is.
    func send(_ text: String) async throws {
        try await channel.writeAndFlush(ByteBuffer(string: text))
    }

    /// The next complete response, waiting up to `limit`; throws ``RawHTTPError/closed`` when the proxy closes the
    /// connection first and ``RawClientError/noAnswer(after:)`` when nothing complete came in time.
    func response(within limit: Duration = .seconds(10)) async throws -> RawResponse {
        try await withDeadline(limit, else: .noAnswer(after: limit)) {
            while true {
                if let (response, length) = try RawResponse.parse(buffer) {
                    buffer.removeFirst(length)
                    return response
                }
                guard let chunk = await chunks.next() else { throw RawHTTPError.closed }
                buffer += chunk
            }
        }
    }

    /// Waits up to `limit` for the proxy to close the connection, then returns the bytes it sent that
    /// ``response(within:)`` did not take; throws ``RawClientError/stillOpen(after:)`` when it is still open.
    func closed(within limit: Duration) async throws -> [UInt8] {
        try await withDeadline(limit, else: .stillOpen(after: limit)) {
            while let chunk = await chunks.next() {
                buffer += chunk
            }
            defer { buffer = [] }
            return buffer
        }
    }

    /// Runs `body`; if `limit` passes first, closes the connection from this side (which ends `body`'s wait) and
    /// throws `failure` instead of `body`'s outcome.
    private func withDeadline<T>(
        _ limit: Duration,
        else failure: RawClientError,
        _ body: () async throws -> T
    ) async throws -> T {
        let expiry = Expiry()
        let channel = channel
        let deadline = channel.eventLoop.scheduleTask(in: TimeAmount(limit)) {
            expiry.expire()
            channel.close(promise: nil)
        }
        let result: Result<T, any Error>
        do {
            result = .success(try await body())
        } catch {
            result = .failure(error)
        }
        deadline.cancel()
        if expiry.hasExpired { throw failure }
        return try result.get()
    }

    /// Closes the connection from the client's side.
    func close() async {
        try? await channel.close()
    }
}

/// A ``RawClient`` expectation that did not come true.
enum RawClientError: Error, CustomStringConvertible {
    /// The proxy kept the connection open longer than the test allowed.
    case stillOpen(after: Duration)
    /// No complete response arrived in time.
    case noAnswer(after: Duration)

    var description: String {
        switch self {
        case .stillOpen(let limit): "the proxy still held the connection open after \(limit)"
        case .noAnswer(let limit): "no complete response within \(limit)"
        }
    }
}

/// Whether a ``RawClient`` wait ran out of time.
private final class Expiry: Sendable {
    private let expired = Mutex(false)

    func expire() {
        expired.withLock { $0 = true }
    }

    var hasExpired: Bool { expired.withLock { $0 } }
}

/// Passes each chunk the proxy sends to the ``RawClient``, and the end of the connection as the end of the stream.
private final class ChunkForwarder: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let continuation: AsyncStream<[UInt8]>.Continuation

    init(_ continuation: AsyncStream<[UInt8]>.Continuation) {
        self.continuation = continuation
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        continuation.yield(Array(unwrapInboundIn(data).readableBytesView))
    }

    func channelInactive(context: ChannelHandlerContext) {
        continuation.finish()
        context.fireChannelInactive()
    }

    /// A reset by the proxy ends the connection like a close.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

@available(*, unavailable)
extension ChunkForwarder: Sendable {}
