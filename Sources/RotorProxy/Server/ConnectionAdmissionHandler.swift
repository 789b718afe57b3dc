import NIOCore

/// Admits each connection the server accepts (``ClientConnections``) before Hummingbird sets it up; a refused one
/// is closed at once and never set up.
final class ConnectionAdmissionHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = any Channel
    typealias InboundOut = any Channel

    private let connections: ClientConnections

    init(_ connections: ClientConnections) {
        self.connections = connections
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let channel = unwrapInboundIn(data)
        guard connections.admit(channel) else {
            channel.close(promise: nil)
            return
        }
        context.fireChannelRead(data)
    }
}

@available(*, unavailable)
extension ConnectionAdmissionHandler: Sendable {}
