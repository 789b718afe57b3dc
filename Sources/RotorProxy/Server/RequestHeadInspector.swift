import HTTPTypes
import NIOCore
import NIOHTTP1

/// Marks what the conversion to HTTP types hides from the guard: a target not in origin form
/// (`GET http://evil.com/ HTTP/1.1`, of which only the path survives) and a head with more than one `Host` line (of
/// which only the first becomes the authority), so the guard can refuse them after the secret check.
///
/// Sits between the HTTP/1 decoder and that conversion; any marker a client sent itself is removed first.
final class RequestHeadInspector: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart

    /// The headers that carry the marks to the guard; never forwarded upstream (not in the allowlist).
    static let absoluteFormMarker = HTTPField.Name("x-rotor-internal-absolute-form")!
    static let severalHostsMarker = HTTPField.Name("x-rotor-internal-several-hosts")!

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(var head) = unwrapInboundIn(data) else {
            context.fireChannelRead(data)
            return
        }
        head.headers.remove(name: Self.absoluteFormMarker.rawName)
        head.headers.remove(name: Self.severalHostsMarker.rawName)
        if head.method != .CONNECT, !head.uri.hasPrefix("/"), head.uri != "*" {
            head.headers.add(name: Self.absoluteFormMarker.rawName, value: "1")
        }
        // Raw lines, not `canonicalForm` (which splits on commas and drops empty values).
        if head.headers.lazy.filter({ $0.name.lowercased() == "host" }).count > 1 {
            head.headers.add(name: Self.severalHostsMarker.rawName, value: "1")
        }
        context.fireChannelRead(wrapInboundOut(.head(head)))
    }
}

@available(*, unavailable)
extension RequestHeadInspector: Sendable {}
