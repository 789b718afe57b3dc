import AsyncHTTPClient
public import Logging
public import RotorAuth
public import RotorStore

/// Runs `body` with a ``UsageRefresh`` set up as the proxy sets up its own upstream traffic: the upstream and
/// custom CA of `configuration` (`ROTOR_UPSTREAM_URL`, `ROTOR_CA_FILE`), its connect timeout, and a
/// ``TokenRefresher`` with its OAuth issuer, so that a usage refresh obeys the same token rules as a running proxy.
public func withUsageRefresh<T: Sendable>(
    _ configuration: ProxyConfiguration,
    store: AccountStore,
    directory: StateDirectory,
    logger: Logger,
    _ body: (UsageRefresh) async throws -> T
) async throws -> T {
    try await withUpstreamClient(configuration, logger: logger) { client in
        let refresher = TokenRefresher(
            configuration, store: store, directory: directory, httpClient: client, logger: logger)
        return try await body(
            UsageRefresh(
                store: store, refresher: refresher, httpClient: client, upstreamURL: configuration.upstreamURL,
                logger: logger))
    }
}

extension TokenRefresher {
    /// The refresher of a proxy configured by `configuration`: its OAuth issuer, over `httpClient`.
    init(_ configuration: ProxyConfiguration, store: AccountStore, directory: StateDirectory, httpClient: HTTPClient,
         logger: Logger) {
        self.init(store: store, directory: directory, issuer: configuration.issuer, httpClient: httpClient,
                  logger: logger)
    }
}
