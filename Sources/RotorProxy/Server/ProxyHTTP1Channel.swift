import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1

/// Hummingbird's HTTP/1 child channel plus rotor's handlers: the ``RequestBytesObserver`` in front of the HTTP/1
/// decoder and the ``InboundConnectionHandler`` behind it, which bound the connection's waits; the
/// ``MalformedRequestAnswer`` right behind the decoder, which answers what it cannot parse with a JSON 400; the
/// ``RequestHeadInspector`` in front of the conversion to HTTP types; and the ``ClientCloseObserver`` behind it.
///
/// Mirrors `HummingbirdCore.HTTP1Channel.setup` (2.28.1), which offers no hook before that conversion.
struct ProxyHTTP1Channel: HTTPChannelHandler {
    typealias Value = NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>

    let responder: HTTPChannelHandler.Responder
    let limits: InboundLimits
    let connections: ClientConnections
    /// rotor's logger (Hummingbird's, passed to `setup`, is held at `notice` and above).
    let rotorLogger: Logger

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(RequestBytesObserver())
            try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                withPipeliningAssistance: false,
                withErrorHandling: false,
                withOutboundHeaderValidation: false,
                withEncoderConfiguration: .init(),
                withDecoderLimitConfiguration: .init()
            )
            try channel.pipeline.syncOperations.addHandler(MalformedRequestAnswer())
            try channel.pipeline.syncOperations.addHandler(
                InboundConnectionHandler(limits: limits, connections: connections, logger: rotorLogger)
            )
            try channel.pipeline.syncOperations.addHandler(RequestHeadInspector())
            try channel.pipeline.syncOperations.addHandler(HTTP1ToHTTPServerCodec(secure: false))
            try channel.pipeline.syncOperations.addHandler(ClientCloseObserver())
            try channel.pipeline.syncOperations.addHandler(HTTPConnectionStateHandler(idleTimeout: nil, logger: logger))
            return try NIOAsyncChannel(
                wrappingChannelSynchronously: channel,
                configuration: .init(isOutboundHalfClosureEnabled: true)
            )
        }
    }

    func handle(value asyncChannel: Value, logger: Logger) async {
        await handleHTTP(asyncChannel: asyncChannel, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// The proxy's HTTP/1 server, its connections bounded by `limits` and counted in `connections`.
    static func proxyHTTP1(limits: InboundLimits, connections: ClientConnections, logger: Logger) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in
            ProxyHTTP1Channel(responder: responder, limits: limits, connections: connections, rotorLogger: logger)
        }
    }
}
