import HTTPTypes
import NIOCore
import NIOHTTP1
import RotorCore

/// Answers a request the HTTP/1 decoder cannot parse (a malformed request line, header or framing, or bytes that are
/// not HTTP at all) with rotor's JSON 400, then closes the connection: the decoder cannot find where the next request
/// would start.
///
/// Without it Hummingbird answers a bare `400 Bad Request` with an empty body, unlike every other error rotor sends.
/// Sits right behind the decoder, so the parse error reaches it first. When the bytes that fail belong to, or follow,
/// a request still being answered (a broken body, or a client that sent more than it declared), the error goes on to
/// that request, its answer goes out first, and the connection closes after it.
final class MalformedRequestAnswer: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// A request has arrived whose answer has not ended yet.
    private var awaitingAnswer = false
    /// A parse error came while a request was being answered: close once that answer has ended.
    private var closeAfterAnswer = false
    private var answered = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) { awaitingAnswer = true }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .end = unwrapOutboundIn(data) else {
            context.write(data, promise: promise)
            return
        }
        awaitingAnswer = false
        guard closeAfterAnswer else {
            context.write(data, promise: promise)
            return
        }
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        let written = context.eventLoop.makePromise(of: Void.self)
        written.futureResult.whenComplete { _ in loopBound.value.close(promise: nil) }
        written.futureResult.cascade(to: promise)
        context.write(data, promise: written)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard error is HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        guard !answered else { return }
        guard !awaitingAnswer else {
            // The request being answered must learn that its body broke; its answer ends the connection.
            closeAfterAnswer = true
            context.fireErrorCaught(error)
            return
        }
        answered = true
        let answer = ProxyAnswer.malformedRequest
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Content-Length", value: "\(answer.body.count)")
        headers.add(name: "Connection", value: "close")
        let head = HTTPResponseHead(
            version: .http1_1, status: HTTPResponseStatus(statusCode: answer.status), headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: answer.body)))), promise: nil)
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            loopBound.value.close(promise: nil)
        }
    }
}

@available(*, unavailable)
extension MalformedRequestAnswer: Sendable {}
