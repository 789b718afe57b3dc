import HTTPTypes
import NIOHTTP1
import RotorCore

/// Which headers cross the proxy, in each direction.
///
/// Upstream requests carry only an allowlist of the client's headers plus what rotor adds; responses carry only
/// the upstream headers Codex reads. Everything else (cookies, `x-api-key`, the client's `authorization`,
/// hop-by-hop and `proxy-*` headers, encodings rotor invalidated) is dropped.
enum UpstreamHeaders {
    /// Client headers forwarded as they are.
    static let forwardedRequestHeaders: Set<String> = [
        "content-type", "accept", "originator", "user-agent", "session-id", "session_id", "thread-id",
        "conversation_id", "x-client-request-id", "version", "openai-beta",
    ]

    /// Client header prefixes forwarded as they are.
    static let forwardedRequestPrefixes = ["x-codex-", "x-openai-"]

    /// Upstream response headers passed to the client.
    static let passedResponseHeaders: Set<String> = [
        "x-request-id", "x-oai-request-id", "openai-model", "x-models-etag", "x-reasoning-included",
    ]

    /// Upstream response header prefixes passed to the client (the rate-limit family, `x-codex-turn-state`).
    static let passedResponsePrefixes = ["x-codex-"]

    /// The `originator` sent when the client sent none.
    static let defaultOriginator = CodexClient.originator

    /// The upstream request headers for a client request sent with `account`'s `credentials`.
    static func request(
        from client: HTTPFields,
        account: Account,
        credentials: AccountCredentials
    ) -> HTTPHeaders {
        var headers = HTTPHeaders()
        for field in client where isForwarded(field.name.canonicalName) {
            headers.add(name: field.name.canonicalName, value: field.value)
        }
        if !headers.contains(name: "originator") {
            headers.add(name: "originator", value: defaultOriginator)
        }
        headers.add(name: "authorization", value: "Bearer \(credentials.accessToken)")
        headers.add(name: "chatgpt-account-id", value: account.chatgptAccountID)
        headers.add(name: "accept-encoding", value: "identity")
        return headers
    }

    /// The upstream response headers the client gets.
    static func response(from upstream: HTTPFields) -> HTTPFields {
        var fields = HTTPFields()
        for field in upstream {
            let name = field.name.canonicalName
            if passedResponseHeaders.contains(name) || passedResponsePrefixes.contains(where: name.hasPrefix) {
                fields.append(field)
            }
        }
        return fields
    }

    private static func isForwarded(_ name: String) -> Bool {
        forwardedRequestHeaders.contains(name) || forwardedRequestPrefixes.contains(where: name.hasPrefix)
    }
}
