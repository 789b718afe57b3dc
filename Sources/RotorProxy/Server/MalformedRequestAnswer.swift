import HTTPTypes
import NIOCore
import NIOHTTP1
import RotorCore

/// Answers a request the HTTP/1 decoder cannot parse (a malformed request line, header or framing, or bytes that are
/// not HTTP at all) with rotor's JSON 400, then closes the connection: the decoder cannot find where the next request
/// would start.
///
/// Without it Hummingbird answers a bare `400 Bad Request` with an empty body, unlike every other error rotor sends.
/// Sits right behind the decoder, so the parse error reaches it first; it also watches the responses going out, and
/// when one is already being written it only closes (a second head would corrupt that response).
final class MalformedRequestAnswer: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private var responding = false
    private var answered = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head: responding = true
        case .end: responding = false
        case .body: break
        }
        context.write(data, promise: promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard error is HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        guard !responding, !answered else {
            context.close(promise: nil)
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
