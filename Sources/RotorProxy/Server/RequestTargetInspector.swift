import HTTPTypes
import NIOCore
import NIOHTTP1

/// Marks requests whose target is not in origin form (`GET http://evil.com/ HTTP/1.1`), so the guard can refuse
/// them after the secret check.
///
/// Needed because the conversion to HTTP types keeps only the path of an absolute-form target. Sits between the
/// HTTP/1 decoder and that conversion; any marker a client sent itself is removed first.
final class RequestTargetInspector: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart

    /// The header that carries the mark to the guard; never forwarded upstream (not in the allowlist).
    static let absoluteFormMarker = HTTPField.Name("x-rotor-internal-absolute-form")!

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(var head) = unwrapInboundIn(data) else {
            context.fireChannelRead(data)
            return
        }
        head.headers.remove(name: Self.absoluteFormMarker.rawName)
        if head.method != .CONNECT, !head.uri.hasPrefix("/"), head.uri != "*" {
            head.headers.add(name: Self.absoluteFormMarker.rawName, value: "1")
        }
        context.fireChannelRead(wrapInboundOut(.head(head)))
    }
}

@available(*, unavailable)
extension RequestTargetInspector: Sendable {}
