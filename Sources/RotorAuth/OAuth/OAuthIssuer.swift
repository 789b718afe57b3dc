import Foundation

/// The OAuth authorization server that logs accounts in and refreshes their tokens.
///
/// `$ROTOR_AUTH_ISSUER` replaces the real issuer everywhere (login and refresh), so tests can run a fake one on
/// 127.0.0.1.
public struct OAuthIssuer: Sendable, Hashable {
    /// The issuer's base URL, without a trailing slash (`https://auth.openai.com`).
    public var url: URL

    /// Codex's public OAuth client id, which rotor logs in and refreshes as.
    public static let clientID = "app_EMoamEEZ73f0CkXaXp7hrann"

    /// The environment variable that overrides the issuer.
    public static let environmentKey = "ROTOR_AUTH_ISSUER"

    /// OpenAI's issuer, used when `$ROTOR_AUTH_ISSUER` is unset.
    public static let openAI = OAuthIssuer(url: URL(string: "https://auth.openai.com")!)

    /// Wraps an issuer URL; trailing slashes are dropped so endpoint paths join cleanly.
    public init(url: URL) {
        var text = url.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        self.url = URL(string: text) ?? url
    }

    /// `$ROTOR_AUTH_ISSUER` when it is an absolute `http`/`https` URL, else OpenAI's issuer.
    ///
    /// Use ``validated(environment:)`` where a malformed value should stop the command instead.
    public static func fromEnvironment(_ environment: [String: String]) -> OAuthIssuer {
        (try? validated(environment: environment)) ?? .openAI
    }

    /// `$ROTOR_AUTH_ISSUER` when set, OpenAI's issuer when unset or empty.
    /// - Throws: ``LoginError`` (`invalidIssuer`) when the value is not an absolute `http`/`https` URL.
    public static func validated(environment: [String: String]) throws(LoginError) -> OAuthIssuer {
        guard let value = environment[environmentKey], !value.isEmpty else { return .openAI }
        guard let url = URL(string: value), let scheme = url.scheme?.lowercased(),
            scheme == "http" || scheme == "https",
            let host = url.host(), !host.isEmpty, url.query == nil, url.fragment == nil
        else {
            throw .invalidIssuer(value)
        }
        return OAuthIssuer(url: url)
    }

    /// The issuer's URL followed by `path` (which starts with `/`).
    public func endpoint(_ path: String) -> URL {
        URL(string: url.absoluteString + path)!
    }

    /// `POST` here to exchange an authorization code or a refresh token.
    public var tokenEndpoint: URL { endpoint("/oauth/token") }
}
