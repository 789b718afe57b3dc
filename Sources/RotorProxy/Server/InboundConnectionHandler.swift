import Logging
import NIOCore
import NIOHTTP1
import RotorCore

/// Bounds the waits of one client connection: does what ``InboundConnection/StateMachine`` decides, with the timer
/// lengths of ``InboundLimits``, and tells ``ClientConnections`` when the connection first delivers a request head.
///
/// Sits right behind the HTTP/1 decoder, where requests are decoded and responses not yet encoded;
/// ``RequestBytesObserver`` in front of the decoder tells it when bytes arrive. A body timeout is delivered to the
/// responder as ``RequestBodyStalled``, which answers it; every other timeout closes the connection unanswered.
final class InboundConnectionHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let limits: InboundLimits
    private let connections: ClientConnections
    private let logger: Logger
    private var machine = InboundConnection.StateMachine()
    private var timer: Scheduled<Void>?

    init(limits: InboundLimits, connections: ClientConnections, logger: Logger) {
        self.limits = limits
        self.connections = connections
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive {
            perform(machine.connectionStarted(), context: context)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stopTimer()
    }

    func channelActive(context: ChannelHandlerContext) {
        perform(machine.connectionStarted(), context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        stopTimer()
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is RequestBytesArrived else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        perform(machine.bytesReceived(), context: context)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let decision: InboundConnection.ReadDecision
        switch unwrapInboundIn(data) {
        case .head:
            let firstHead = !machine.hasDeliveredHead
            decision = machine.headReceived()
            if firstHead, machine.hasDeliveredHead {
                connections.headDelivered(context.channel)
            }
        case .body:
            decision = machine.bodyReceived()
        case .end:
            decision = machine.requestEnded()
        }
        switch decision {
        case .deliver(let action):
            perform(action, context: context)
            context.fireChannelRead(data)
        case .drop:
            break
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let decision: InboundConnection.WriteDecision
        switch unwrapOutboundIn(data) {
        case .head(let head) where head.status.code < 200:
            // `100 Continue`: the final response is still to come.
            decision = .write(.none)
        case .head(let head):
            decision = machine.responseHeadWritten(closesConnection: !head.isKeepAlive)
        case .body:
            decision = machine.responseBodyWritten()
        case .end:
            decision = machine.responseEnded()
        }
        switch decision {
        case .write(let action):
            perform(action, context: context)
            context.write(data, promise: promise)
        case .writeThenClose:
            stopTimer()
            // Closing at once would discard what is still queued: close once this last part is on its way.
            let written = promise ?? context.eventLoop.makePromise()
            let channel = context.channel
            written.futureResult.whenComplete { _ in channel.close(promise: nil) }
            context.write(data, promise: written)
        case .fail:
            promise?.fail(ChannelError.ioOnClosedChannel)
        }
    }

    private func perform(_ action: InboundConnection.Action, context: ChannelHandlerContext) {
        switch action {
        case .none:
            break
        case .startTimer(let kind):
            startTimer(kind, context: context)
        case .stopTimer:
            stopTimer()
        case .close:
            stopTimer()
            context.close(promise: nil)
        case .failRequestBody:
            stopTimer()
            context.fireErrorCaught(RequestBodyStalled(limit: limits.requestBody))
        }
    }

    private func startTimer(_ kind: InboundConnection.Timer, context: ChannelHandlerContext) {
        timer?.cancel()
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(limits.duration(of: kind))) {
            self.timer = nil
            let action = self.machine.timerFired(kind)
            if action != .none {
                self.logger.debug("client connection timed out", metadata: ["rotor.timer": "\(kind)"])
            }
            self.perform(action, context: context)
        }
    }

    private func stopTimer() {
        timer?.cancel()
        timer = nil
    }
}

@available(*, unavailable)
extension InboundConnectionHandler: Sendable {}
