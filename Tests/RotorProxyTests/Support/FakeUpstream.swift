import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import Synchronization

/// One request as the fake upstream received it.
struct RecordedRequest: Sendable {
    var method: HTTPRequest.Method
    var path: String
    var headers: HTTPFields
    var body: [UInt8]

    /// The value of `name`, with several values joined by `, `.
    func header(_ name: String) -> String? {
        HTTPField.Name(name).flatMap { headers[$0] }
    }
}

/// The requests a fake upstream received, in order.
final class RequestLog: Sendable {
    private let entries = Mutex<[RecordedRequest]>([])

    func append(_ request: RecordedRequest) {
        entries.withLock { $0.append(request) }
    }

    var all: [RecordedRequest] { entries.withLock { $0 } }
}

/// A fake ChatGPT Codex backend on 127.0.0.1 (plain or TLS) answering with a scripted handler.
struct FakeUpstream: Sendable {
    typealias Handler = @Sendable (RecordedRequest) async throws -> Response

    /// The port it listens on.
    let port: Int
    /// What it received.
    let log: RequestLog
    /// `http(s)://127.0.0.1:PORT/backend-api/codex`, the value for `ROTOR_UPSTREAM_URL`.
    let baseURL: URL

    /// Runs a fake upstream for the duration of `body`.
    static func run<T: Sendable>(
        tls: Bool = false,
        handler: @escaping Handler,
        _ body: (FakeUpstream) async throws -> T
    ) async throws -> T {
        let log = RequestLog()
        let responder = FakeResponder(log: log, handler: handler)
        let server: HTTPServerBuilder = tls ? try .tls(.http1(), tlsConfiguration: try TestTLS.serverConfiguration()) : .http1()
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "fake-upstream")
        logger.logLevel = .critical
        let app = Application(
            responder: responder,
            server: server,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            },
            logger: logger
        )
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw FakeUpstreamError.notListening }
            let upstream = FakeUpstream(
                port: port,
                log: log,
                baseURL: URL(string: "\(tls ? "https" : "http")://127.0.0.1:\(port)/backend-api/codex")!
            )
            defer { group.cancelAll() }
            return try await body(upstream)
        }
    }
}

enum FakeUpstreamError: Error {
    case notListening
}

private struct FakeResponder: HTTPResponder {
    typealias Context = BasicRequestContext
    let log: RequestLog
    let handler: FakeUpstream.Handler

    func respond(to request: Request, context: BasicRequestContext) async throws -> Response {
        let body = try await request.body.collect(upTo: 64 << 20)
        let recorded = RecordedRequest(
            method: request.method,
            path: request.uri.path,
            headers: request.headers,
            body: Array(body.readableBytesView)
        )
        log.append(recorded)
        return try await handler(recorded)
    }
}

/// The throw-away TLS material under `Fixtures/tls` (test-only; see its README).
enum TestTLS {
    static func fixture(_ name: String) throws -> String {
        guard let url = Bundle.module.url(forResource: "Fixtures/tls/\(name)", withExtension: nil) else {
            throw FakeUpstreamError.notListening
        }
        return url.path
    }

    static var caFile: String {
        get throws { try fixture("test-only-ca.pem") }
    }

    static func serverConfiguration() throws -> TLSConfiguration {
        let certificates = try NIOSSLCertificate.fromPEMFile(try fixture("test-only-127.0.0.1.pem"))
        let key = try NIOSSLPrivateKey(file: try fixture("test-only-127.0.0.1.key"), format: .pem)
        return TLSConfiguration.makeServerConfiguration(
            certificateChain: certificates.map { .certificate($0) },
            privateKey: .privateKey(key)
        )
    }
}
