import NIOCore

/// Tells ``InboundConnectionHandler`` that bytes arrived, before the HTTP/1 decoder has made anything of them: the
/// only way to see a request head start before it is complete.
final class RequestBytesObserver: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireUserInboundEventTriggered(RequestBytesArrived())
        context.fireChannelRead(data)
    }
}

@available(*, unavailable)
extension RequestBytesObserver: Sendable {}

/// The event ``RequestBytesObserver`` sends for every read.
struct RequestBytesArrived: Sendable {}
