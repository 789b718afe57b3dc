/// Where a running proxy listens.
public struct ProxyEndpoint: Hashable, Sendable {
    /// The loopback literal it is bound to (`127.0.0.1` or `::1`).
    public var host: String
    /// The bound port (never 0 once running).
    public var port: Int
    /// The base URL clients use: `http://127.0.0.1:PORT/v1`.
    public var baseURL: String
    /// The health answer: `http://127.0.0.1:PORT/healthz`.
    public var healthURL: String
    /// The metrics in Prometheus' text format: `http://127.0.0.1:PORT/metrics`.
    public var metricsURL: String

    /// The endpoint of a proxy bound to `host`:`port`.
    public init(host: LoopbackHost, port: Int) {
        self.host = host.rawValue
        self.port = port
        let root = "http://\(host.urlHost):\(port)"
        self.baseURL = root + "/v1"
        self.healthURL = root + ProxyRoute.healthPath
        self.metricsURL = root + ProxyRoute.metricsPath
    }
}
