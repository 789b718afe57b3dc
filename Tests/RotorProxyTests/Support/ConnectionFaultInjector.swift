import Foundation
import NIOCore
import NIOPosix
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A fault below HTTP, which a fake upstream's request handler cannot play: it happens before, or instead of, an
/// HTTP answer.
enum ConnectionFault: Sendable {
    /// Nothing listens: connecting is refused.
    case refuse
    /// The request arrives in full, then the connection is reset before any byte of an answer.
    case resetAfterRequest
    /// The TLS ClientHello is answered with a fatal `handshake_failure` alert.
    case tlsHandshakeFailure
    /// The request arrives in full, `text` goes back as the answer's first bytes, then the connection ends so.
    case answer(String, then: Ending)

    /// Whether nothing listens while the fault holds.
    var refusesConnections: Bool {
        if case .refuse = self { true } else { false }
    }

    /// How a connection ends after a scripted answer.
    enum Ending: Sendable {
        /// Closed at once (a FIN after the bytes).
        case close
        /// Held open and silent until the client has the first event, then reset.
        case resetOnceTheClientHasTheFirstEvent
    }
}

/// A listener on 127.0.0.1 in front of a fake upstream: until ``heal()`` it plays its ``ConnectionFault`` on every
/// connection; afterwards it relays each new connection to the upstream byte for byte (a TLS session runs end to
/// end between the proxy and the upstream).
///
/// Hand-written on NIO because no test server injects faults below HTTP; the relay has no backpressure, which is
/// fine for the short answers it carries.
final class ConnectionFaultInjector: Sendable {
    private struct State {
        var healed = false
        var listener: (any Channel)?
        var connections: [any Channel] = []
        var awaitingFirstEvent: [any Channel] = []
    }

    /// The port the proxy must connect to.
    let port: Int
    private let fault: ConnectionFault
    private let upstreamPort: Int
    private let socket: Int32
    private let state = Mutex(State())

    private init(fault: ConnectionFault, upstreamPort: Int, socket: Int32, port: Int) {
        self.fault = fault
        self.upstreamPort = upstreamPort
        self.socket = socket
        self.port = port
    }

    /// Runs an injector playing `fault` in front of the upstream on `upstreamPort` for the duration of `body`.
    ///
    /// The port is bound before `body` runs and stays bound throughout; for ``ConnectionFault/refuse`` it does not
    /// listen (so connecting is refused) until ``heal()``.
    static func run<T: Sendable>(
        _ fault: ConnectionFault,
        relayingTo upstreamPort: Int,
        _ body: (ConnectionFaultInjector) async throws -> T
    ) async throws -> T {
        let (socket, port) = try boundSocket()
        let injector = ConnectionFaultInjector(fault: fault, upstreamPort: upstreamPort, socket: socket, port: port)
        let result: Result<T, any Error>
        do {
            if !fault.refusesConnections { try await injector.listen() }
            result = .success(try await body(injector))
        } catch {
            result = .failure(error)
        }
        await injector.close()
        return try result.get()
    }

    /// `http(s)://127.0.0.1:PORT/backend-api/codex`, the upstream URL that reaches the injector.
    func baseURL(tls: Bool) -> URL {
        URL(string: "\(tls ? "https" : "http")://127.0.0.1:\(port)/backend-api/codex")!
    }

    /// Ends the fault: from now on every new connection is relayed to the upstream.
    func heal() async throws {
        let wasHealed = state.withLock { state in
            defer { state.healed = true }
            return state.healed
        }
        if !wasHealed, fault.refusesConnections { try await listen() }
    }

    /// The client has the first event: resets the connections that were waiting for it.
    func clientReceivedFirstEvent() {
        let waiting = state.withLock { state in
            defer { state.awaitingFirstEvent = [] }
            return state.awaitingFirstEvent
        }
        waiting.forEach(Self.reset)
    }

    // MARK: - Listening

    /// A TCP socket bound to 127.0.0.1 on a free port, not listening yet, and that port.
    private static func boundSocket() throws -> (Int32, Int) {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw RawHTTPError.socket }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(socket, pointer, length) == 0 && getsockname(socket, pointer, &length) == 0
            }
        }
        guard bound else {
            Glibc.close(socket)
            throw RawHTTPError.socket
        }
        return (socket, Int(UInt16(bigEndian: address.sin_port)))
    }

    /// Starts listening on the bound socket (NIO takes it over and closes it with the listener).
    private func listen() async throws {
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { [self] connection in
                let healed = state.withLock { state in
                    state.connections.append(connection)
                    return state.healed
                }
                return healed ? relay(connection) : play(on: connection)
            }
            .withBoundSocket(socket)
            .get()
        state.withLock { $0.listener = listener }
    }

    private func close() async {
        let (listener, connections) = state.withLock { ($0.listener, $0.connections) }
        if let listener {
            try? await listener.close()
        } else {
            Glibc.close(socket)
        }
        for connection in connections {
            try? await connection.close()
        }
    }

    // MARK: - Connections

    private func play(on connection: any Channel) -> EventLoopFuture<Void> {
        connection.eventLoop.makeCompletedFuture {
            try connection.pipeline.syncOperations.addHandler(FaultPlayer(fault: fault) { [self] held in
                state.withLock { $0.awaitingFirstEvent.append(held) }
            })
        }
    }

    private func relay(_ connection: any Channel) -> EventLoopFuture<Void> {
        ClientBootstrap(group: connection.eventLoop)
            .channelInitializer { upstream in
                upstream.eventLoop.makeCompletedFuture {
                    try upstream.pipeline.syncOperations.addHandler(ByteForwarder(to: connection))
                }
            }
            .connect(host: "127.0.0.1", port: upstreamPort)
            .flatMapThrowing { upstream in
                try connection.pipeline.syncOperations.addHandler(ByteForwarder(to: upstream))
            }
    }

    /// Closes `connection` with a reset (RST) rather than a FIN.
    static func reset(_ connection: any Channel) {
        guard let options = connection as? any SocketOptionProvider else {
            connection.close(promise: nil)
            return
        }
        options.setSoLinger(linger(l_onoff: 1, l_linger: 0)).whenComplete { _ in connection.close(promise: nil) }
    }
}

/// Plays a ``ConnectionFault`` on one connection.
private final class FaultPlayer: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// A fatal TLS alert record: `handshake_failure` (40).
    private static let handshakeFailureAlert: [UInt8] = [0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28]

    private let fault: ConnectionFault
    private let holdUntilFirstEvent: @Sendable (any Channel) -> Void
    private var received: [UInt8] = []
    private var played = false

    init(fault: ConnectionFault, holdUntilFirstEvent: @escaping @Sendable (any Channel) -> Void) {
        self.fault = fault
        self.holdUntilFirstEvent = holdUntilFirstEvent
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !played else { return }
        received += unwrapInboundIn(data).readableBytesView
        switch fault {
        case .tlsHandshakeFailure:
            played = true
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: Self.handshakeFailureAlert)), promise: nil)
            context.close(promise: nil)
        case .refuse:
            preconditionFailure("nothing listens while connections are refused")
        case .resetAfterRequest:
            guard Self.holdsWholeRequest(received) else { return }
            played = true
            ConnectionFaultInjector.reset(context.channel)
        case .answer(let text, let ending):
            guard Self.holdsWholeRequest(received) else { return }
            played = true
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: text)), promise: nil)
            switch ending {
            case .close: context.close(promise: nil)
            case .resetOnceTheClientHasTheFirstEvent: holdUntilFirstEvent(context.channel)
            }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    /// Whether `bytes` hold a whole request: its head and as many body bytes as its `content-length` says.
    private static func holdsWholeRequest(_ bytes: [UInt8]) -> Bool {
        guard let headEnd = bytes.firstRange(of: Array("\r\n\r\n".utf8))?.upperBound else { return false }
        let head = String(decoding: bytes[..<headEnd], as: UTF8.self).lowercased()
        let length = head.split(separator: "\r\n")
            .first { $0.hasPrefix("content-length:") }
            .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
        return bytes.count >= headEnd + length
    }
}

/// Writes every byte read on one channel to its partner, and closes the partner when the channel closes.
private final class ByteForwarder: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let partner: any Channel

    init(to partner: any Channel) {
        self.partner = partner
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        partner.writeAndFlush(unwrapInboundIn(data), promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        partner.close(promise: nil)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

@available(*, unavailable)
extension FaultPlayer: Sendable {}

@available(*, unavailable)
extension ByteForwarder: Sendable {}
