import NIOCore
import NIOHTTPTypes

/// Notices the moment a client goes away: its input closes (FIN; Hummingbird allows half-closure) or the
/// connection drops.
///
/// Hummingbird's `consumeWithCancellationOnInboundClose` does the same but ends the connection after every
/// response, which breaks keep-alive: a client that reused the connection for its next request got
/// "I/O on closed channel". This observer only watches, so connections stay reusable.
final class ClientCloseObserver: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private var promise: EventLoopPromise<Void>?

    /// Completes when the client's side of the connection closes.
    private(set) var closed: EventLoopFuture<Void>?

    func handlerAdded(context: ChannelHandlerContext) {
        let promise = context.eventLoop.makePromise(of: Void.self)
        self.promise = promise
        self.closed = promise.futureResult
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        promise?.succeed()
        promise = nil
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case ChannelEvent.inputClosed = event {
            promise?.succeed()
            promise = nil
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise?.succeed()
        promise = nil
        context.fireChannelInactive()
    }

    /// The close signal of `channel`'s observer, fetched on its event loop.
    static func closed(on channel: any Channel) async throws -> EventLoopFuture<Void> {
        try await channel.eventLoop.submit {
            let observer = try channel.pipeline.syncOperations.handler(type: ClientCloseObserver.self)
            return observer.closed ?? channel.eventLoop.makeSucceededVoidFuture()
        }.get()
    }
}

@available(*, unavailable)
extension ClientCloseObserver: Sendable {}

/// Runs `operation`, cancelling it the moment `clientClosed` completes (the client went away); then throws
/// `CancellationError`. Cancelling the operation cancels its upstream request at once.
func cancellingOnClientClose<T: Sendable>(
    _ clientClosed: EventLoopFuture<Void>,
    _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            let (signal, continuation) = AsyncStream<Void>.makeStream()
            clientClosed.whenComplete { _ in continuation.finish() }
            for await _ in signal {}
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else { throw CancellationError() }
        return value
    }
}
