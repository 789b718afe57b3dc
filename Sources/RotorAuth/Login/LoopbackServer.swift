import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#endif

/// A Hummingbird server on a loopback address that lives exactly as long as a scope.
enum LoopbackServer {
    /// The server could not start listening (the port is taken, or the address does not exist here).
    struct StartFailure: Error, CustomStringConvertible {
        /// Why the server did not start.
        var underlying: any Error

        /// Whether another socket already holds the address and port.
        var isAddressInUse: Bool { (underlying as? IOError)?.errnoCode == EADDRINUSE }

        var description: String { "cannot listen: \(underlying)" }
    }

    /// Starts `responder` on `host:port` (port 0 picks a free one), runs `body` with the port it listens on, then
    /// shuts the server down gracefully: requests in progress are answered in full, idle connections are closed.
    /// - Throws: ``StartFailure`` when the server cannot listen (`body` does not run), else what `body` throws.
    static func withServer<Responder: HTTPResponder, Result>(
        _ responder: Responder,
        host: String,
        port: Int,
        logger: Logger,
        _ body: (_ port: Int) async throws -> Result
    ) async throws -> Result where Responder.Context == BasicRequestContext {
        let (listening, listeningContinuation) = AsyncStream.makeStream(of: Int.self)
        let application = Application(
            responder: responder,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in
                listeningContinuation.yield(channel.localAddress?.port ?? port)
                listeningContinuation.finish()
            },
            logger: logger
        )
        var configuration = ServiceGroupConfiguration(services: [application], logger: logger)
        configuration.maximumGracefulShutdownDuration = .seconds(2)
        let serviceGroup = ServiceGroup(configuration: configuration)

        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                defer { listeningContinuation.finish() }
                do {
                    try await serviceGroup.run()
                } catch {
                    throw StartFailure(underlying: error)
                }
            }
            var ports = listening.makeAsyncIterator()
            guard let boundPort = await ports.next() else {
                try await tasks.next()
                throw StartFailure(underlying: CancellationError())
            }
            let outcome: Swift.Result<Result, any Error>
            do {
                outcome = .success(try await body(boundPort))
            } catch {
                outcome = .failure(error)
            }
            await serviceGroup.triggerGracefulShutdown()
            // Once listening, a failure of the server no longer matters: the scope is over.
            while case .some = try? await tasks.next() {}
            return try outcome.get()
        }
    }
}
