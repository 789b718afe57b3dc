import HTTPTypes

/// What a request that passed the guards asks for.
enum ProxyRoute: Hashable, Sendable {
    /// `POST` to one of the create-response paths.
    case createResponse
    /// A websocket upgrade on a create-response path: 426, and Codex falls back to HTTP.
    case websocketUpgrade
    /// `GET /healthz`: whether the proxy's accounts can serve.
    case health
    /// `GET /metrics`: the proxy's metrics in Prometheus' text format.
    case metrics
    /// Anything else: 404.
    case notFound

    /// The paths that all mean "create a response".
    static let createResponsePaths: Set<String> = ["/v1/responses", "/responses", "/backend-api/codex/responses"]

    /// The health path.
    static let healthPath = "/healthz"
    /// The metrics path.
    static let metricsPath = "/metrics"

    /// Routes `head`.
    init(_ head: HTTPRequest) {
        let path = head.path.map { String($0.prefix { $0 != "?" }) } ?? ""
        switch (path, head.method) {
        case (Self.healthPath, .get):
            self = .health
            return
        case (Self.metricsPath, .get):
            self = .metrics
            return
        default:
            break
        }
        guard Self.createResponsePaths.contains(path) else {
            self = .notFound
            return
        }
        let upgrade = head.headerFields[.upgrade]?.lowercased()
        if upgrade?.contains("websocket") == true {
            self = .websocketUpgrade
        } else if head.method == .post {
            self = .createResponse
        } else {
            self = .notFound
        }
    }
}
