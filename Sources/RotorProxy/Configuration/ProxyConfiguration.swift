import Foundation
import RotorAuth
import RotorCore

/// Everything a rotation proxy needs to start, with documented defaults.
public struct ProxyConfiguration: Sendable {
    /// The loopback address to bind. Default `127.0.0.1`.
    public var host: LoopbackHost
    /// The port to bind; 0 (default) picks a free one.
    public var port: Int
    /// The secret local clients must present.
    public var secret: ProxySecret
    /// The upstream base URL; requests go to `<upstreamURL>/responses`. Default
    /// `https://chatgpt.com/backend-api/codex` (`ROTOR_UPSTREAM_URL`).
    public var upstreamURL: URL
    /// A PEM file of extra trust roots for the upstream's TLS, added to the system's (`ROTOR_CA_FILE`).
    public var caFile: String?
    /// Upstream timeouts.
    public var timeouts: UpstreamTimeouts
    /// The largest request body accepted, in bytes; larger ones get 413. Default 32 MiB (`ROTOR_MAX_BODY_BYTES`).
    public var maxBodyBytes: Int
    /// How long a request may wait for an account's reset when every account is out. Default 20 s
    /// (`ROTOR_MAX_WAIT`; 0 disables).
    public var maxWait: Duration
    /// When set, every request goes to this account.
    public var pinnedAccount: AccountID?
    /// Where tokens are refreshed. Default `https://auth.openai.com` (`ROTOR_AUTH_ISSUER`).
    public var issuer: OAuthIssuer
    /// How long, and how many, client connections are held.
    public var inbound: InboundLimits
    /// Where the proxy reads the time and sleeps (tests inject one test clock).
    public var time: TimeSource = .system
    /// The routing policy, and the configuration file it is read again from when it changes. Default: rotor's
    /// order without a configuration file.
    public var routingPolicy: RoutingPolicySource = .default

    /// The default upstream: the ChatGPT Codex backend.
    public static let defaultUpstreamURL = URL(string: "https://chatgpt.com/backend-api/codex")!
    /// The default body cap: 32 MiB.
    public static let defaultMaxBodyBytes = 32 << 20

    /// A configuration with the documented defaults unless given.
    public init(
        secret: ProxySecret,
        host: LoopbackHost = .ipv4,
        port: Int = 0,
        upstreamURL: URL = ProxyConfiguration.defaultUpstreamURL,
        caFile: String? = nil,
        timeouts: UpstreamTimeouts = UpstreamTimeouts(),
        maxBodyBytes: Int = ProxyConfiguration.defaultMaxBodyBytes,
        maxWait: Duration = .seconds(20),
        pinnedAccount: AccountID? = nil,
        issuer: OAuthIssuer = .openAI,
        inbound: InboundLimits = InboundLimits()
    ) {
        self.host = host
        self.port = port
        self.secret = secret
        self.upstreamURL = upstreamURL
        self.caFile = caFile
        self.timeouts = timeouts
        self.maxBodyBytes = maxBodyBytes
        self.maxWait = maxWait
        self.pinnedAccount = pinnedAccount
        self.issuer = issuer
        self.inbound = inbound
    }

    /// The URL every create-response request is sent to.
    public var responsesURL: String {
        var base = upstreamURL.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        return base + "/responses"
    }

    /// The defaults overridden by the `ROTOR_*` variables of `environment`.
    ///
    /// Reads `ROTOR_UPSTREAM_URL`, `ROTOR_CA_FILE`, `ROTOR_CONNECT_TIMEOUT`, `ROTOR_HEADER_TIMEOUT`,
    /// `ROTOR_IDLE_TIMEOUT`, `ROTOR_REQUEST_HEAD_TIMEOUT`, `ROTOR_KEEPALIVE_TIMEOUT`, `ROTOR_BODY_TIMEOUT` (seconds,
    /// decimals allowed), `ROTOR_MAX_BODY_BYTES`, `ROTOR_MAX_WAIT` (seconds) and `ROTOR_MAX_CONNECTIONS`.
    public static func fromEnvironment(
        _ environment: [String: String],
        secret: ProxySecret
    ) throws(ProxyConfigurationError) -> ProxyConfiguration {
        var configuration = ProxyConfiguration(secret: secret, issuer: OAuthIssuer.fromEnvironment(environment))
        if let value = environment["ROTOR_UPSTREAM_URL"], !value.isEmpty {
            guard let url = URL(string: value), let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http",
                url.host != nil
            else { throw .invalid(variable: "ROTOR_UPSTREAM_URL", value: value, expected: "an http(s) URL") }
            configuration.upstreamURL = url
        }
        if let value = environment["ROTOR_CA_FILE"], !value.isEmpty {
            guard FileManager.default.isReadableFile(atPath: value) else {
                throw .invalid(variable: "ROTOR_CA_FILE", value: value, expected: "a readable PEM file")
            }
            configuration.caFile = value
        }
        configuration.timeouts.connect = try seconds("ROTOR_CONNECT_TIMEOUT", environment) ?? configuration.timeouts.connect
        configuration.timeouts.header = try seconds("ROTOR_HEADER_TIMEOUT", environment) ?? configuration.timeouts.header
        configuration.timeouts.idle = try seconds("ROTOR_IDLE_TIMEOUT", environment) ?? configuration.timeouts.idle
        if let value = environment["ROTOR_MAX_BODY_BYTES"], !value.isEmpty {
            guard let bytes = Int(value), bytes > 0 else {
                throw .invalid(variable: "ROTOR_MAX_BODY_BYTES", value: value, expected: "a positive number of bytes")
            }
            configuration.maxBodyBytes = bytes
        }
        configuration.maxWait = try seconds("ROTOR_MAX_WAIT", environment, allowZero: true) ?? configuration.maxWait
        configuration.inbound = try inboundLimits(environment)
        return configuration
    }

    /// The defaults overridden by `ROTOR_REQUEST_HEAD_TIMEOUT`, `ROTOR_KEEPALIVE_TIMEOUT`, `ROTOR_BODY_TIMEOUT` and
    /// `ROTOR_MAX_CONNECTIONS`.
    private static func inboundLimits(
        _ environment: [String: String]
    ) throws(ProxyConfigurationError) -> InboundLimits {
        var limits = InboundLimits()
        limits.requestHead = try seconds("ROTOR_REQUEST_HEAD_TIMEOUT", environment) ?? limits.requestHead
        limits.keepAlive = try seconds("ROTOR_KEEPALIVE_TIMEOUT", environment) ?? limits.keepAlive
        limits.requestBody = try seconds("ROTOR_BODY_TIMEOUT", environment) ?? limits.requestBody
        if let value = environment["ROTOR_MAX_CONNECTIONS"], !value.isEmpty {
            guard let count = Int(value), count > 0 else {
                throw .invalid(
                    variable: "ROTOR_MAX_CONNECTIONS", value: value, expected: "a positive number of connections"
                )
            }
            limits.maxConnections = count
        }
        return limits
    }

    private static func seconds(
        _ variable: String,
        _ environment: [String: String],
        allowZero: Bool = false
    ) throws(ProxyConfigurationError) -> Duration? {
        guard let value = environment[variable], !value.isEmpty else { return nil }
        guard let seconds = Double(value), seconds.isFinite, seconds >= 0, allowZero || seconds > 0, seconds <= 86_400
        else {
            throw .invalid(variable: variable, value: value, expected: "a number of seconds up to 86400")
        }
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }
}
