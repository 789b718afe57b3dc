/// Where the child reaches the rotation proxy, and the per-run secret it authenticates with.
public struct ProxyAccess: Hashable, Sendable, CustomStringConvertible {
    /// The proxy's OpenAI-style base URL, such as `http://127.0.0.1:PORT/v1`.
    public var baseURL: String
    /// The per-run secret the child sends as its bearer token.
    public var secret: String

    /// Creates proxy access details.
    public init(baseURL: String, secret: String) {
        self.baseURL = baseURL
        self.secret = secret
    }

    /// The base URL with the secret redacted, safe to log.
    public var description: String {
        "ProxyAccess(baseURL: \(baseURL), secret: ***)"
    }
}
