import AsyncHTTPClient
import HummingbirdCore
import Logging
import NIOCore
import NIOPosix
import RotorAuth
import RotorCore
import RotorStore
import ServiceLifecycle
import Synchronization

/// Starts the rotation proxy over the shared account store, waits until it listens, runs `body` with its endpoint,
/// then stops it gracefully: it stops accepting connections and lets in-flight streams finish for up to
/// ``gracefulShutdownLimit`` before cancelling them.
///
/// - Parameters:
///   - configuration: Where to listen, the secret, the upstream and its limits.
///   - store: The shared account store, read for every request.
///   - directory: The state directory (lock files, logs).
///   - logger: The logger every request's lines derive from.
///   - body: Runs while the proxy serves; the proxy stops when it returns or throws.
public func withRotationProxy<T: Sendable>(
    _ configuration: ProxyConfiguration,
    store: AccountStore,
    directory: StateDirectory,
    logger: Logger,
    _ body: (ProxyEndpoint) async throws -> T
) async throws -> T {
    try await withUpstreamClient(configuration, logger: logger) { client in
        let metrics = ProxyMetrics()
        var refresher = TokenRefresher(
            configuration, store: store, directory: directory, httpClient: client, logger: logger)
        refresher.onRefresh = { metrics.tokenRefreshed($0) }
        let source = StoreAccountSource(store: store, refresher: refresher)
        let renewal = TokenRenewalLoop(store: store, refresher: refresher, logger: logger, time: configuration.time)
        return try await RotationProxy(configuration: configuration, accounts: source, client: client,
                                       services: [renewal], metrics: metrics, logger: logger)
            .run(body)
    }
}

/// Starts the rotation proxy over any account source, waits until it listens, runs `body` with its endpoint, then
/// stops it gracefully: it stops accepting connections and lets in-flight streams finish for up to
/// ``gracefulShutdownLimit`` before cancelling them.
///
/// - Parameters:
///   - configuration: Where to listen, the secret, the upstream and its limits.
///   - accounts: Where accounts and credentials are read, and what routing learned is recorded, per request.
///   - logger: The logger every request's lines derive from.
///   - body: Runs while the proxy serves; the proxy stops when it returns or throws.
public func withRotationProxy<T: Sendable>(
    _ configuration: ProxyConfiguration,
    accounts: some AccountSource,
    logger: Logger,
    _ body: (ProxyEndpoint) async throws -> T
) async throws -> T {
    try await withUpstreamClient(configuration, logger: logger) { client in
        try await RotationProxy(configuration: configuration, accounts: accounts, client: client, services: [],
                                metrics: ProxyMetrics(), logger: logger)
            .run(body)
    }
}

/// Runs `body` with the pooled upstream client, shutting it down afterwards whatever happens.
func withUpstreamClient<T: Sendable>(
    _ configuration: ProxyConfiguration,
    logger: Logger,
    _ body: (HTTPClient) async throws -> T
) async throws -> T {
    let client = HTTPClient(
        eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
        configuration: .upstream(caFile: configuration.caFile, connectTimeout: configuration.timeouts.connect),
        backgroundActivityLogger: logger
    )
    let result: Result<T, any Error>
    do {
        result = .success(try await body(client))
    } catch {
        result = .failure(error)
    }
    try? await client.shutdown()
    return try result.get()
}

/// How long in-flight requests may run on after the proxy was asked to stop.
public let gracefulShutdownLimit: Duration = .seconds(5)

/// The proxy's server and its lifetime: one `ServiceGroup` runs the server, the bookkeeping retries and the proxy's
/// other services (the token renewal), and shuts them down together — the other services first, then the server,
/// which lets in-flight streams finish, then the retries.
struct RotationProxy {
    let configuration: ProxyConfiguration
    let accounts: any AccountSource
    let client: HTTPClient
    /// Services that run as long as the server (started after it, stopped before it).
    let services: [any Service]
    /// This proxy's own metrics (its token refresher reports into them too).
    let metrics: ProxyMetrics
    let logger: Logger

    func run<T: Sendable>(_ body: (ProxyEndpoint) async throws -> T) async throws -> T {
        let boundPort = BoundPort()
        let retries = BookkeepingRetries(source: accounts, clock: configuration.time.clock, logger: logger)
        let responder = ProxyResponder(
            boundPort: boundPort,
            accounts: accounts,
            attempt: UpstreamAttempt(client: client, url: configuration.responsesURL, timeouts: configuration.timeouts),
            configuration: configuration,
            retries: retries,
            metrics: metrics,
            startedAt: configuration.time.now(),
            policy: RoutingPolicyWatch(configuration.routingPolicy),
            logger: logger
        )
        let (ports, portContinuation) = AsyncStream<Int>.makeStream()
        // Hummingbird's own lines ("Server started …") repeat rotor's; keep them for debugging only.
        var serverLogger = logger
        serverLogger.logLevel = max(logger.logLevel, .notice)
        let connections = ClientConnections(capacity: configuration.inbound.maxConnections, logger: logger)
        let builder = HTTPServerBuilder.proxyHTTP1(limits: configuration.inbound, connections: connections, logger: logger)
        let server = try builder.buildServer(
            configuration: ServerConfiguration(
                address: .hostname(configuration.host.rawValue, port: configuration.port),
                availableConnectionsDelegate: AdmissionGate(connections: connections)
            ),
            eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
            logger: serverLogger,
            responder: { request, writer, channel in
                try await responder.respond(to: request, writer: writer, channel: channel)
            },
            onServerRunning: { channel in
                // Before anyone learns the port, so every client connection is admitted in the order it came.
                await connections.admitConnections(acceptedBy: channel)
                let port = channel.localAddress?.port ?? 0
                boundPort.value.store(port, ordering: .releasing)
                portContinuation.yield(port)
                portContinuation.finish()
            }
        )
        // Shut down in reverse order: the other services, then the server (in-flight streams finish), then the
        // bookkeeping retries, which make their last tries once no request can add one.
        var serviceConfiguration = ServiceGroupConfiguration(services: [retries, server] + services,
                                                             logger: serverLogger)
        serviceConfiguration.maximumGracefulShutdownDuration = gracefulShutdownLimit
        let group = ServiceGroup(configuration: serviceConfiguration)
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                defer { portContinuation.finish() }
                do {
                    try await group.run()
                } catch {
                    throw ProxyStartError.cannotListen(host: configuration.host, port: configuration.port, reason: "\(error)")
                }
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else {
                try await tasks.next()
                throw ProxyStartError.cannotListen(host: configuration.host, port: configuration.port, reason: "the server stopped")
            }
            let endpoint = ProxyEndpoint(host: configuration.host, port: port)
            logger.info("proxy listening", metadata: ["rotor.url": "\(endpoint.baseURL)"])
            let result: Result<T, any Error>
            do {
                result = .success(try await body(endpoint))
            } catch {
                result = .failure(error)
            }
            await group.triggerGracefulShutdown()
            do {
                try await tasks.waitForAll()
            } catch {
                logger.debug("proxy stopped with an error", metadata: ["rotor.error": "\(error)"])
            }
            logger.info("proxy stopped")
            return try result.get()
        }
    }
}
