import Foundation
import RotorCore

/// Builds the `{issuer}/oauth/authorize` URL of Codex's browser login.
public enum AuthorizeURL {
    /// The scopes Codex asks for; `offline_access` yields the refresh token.
    public static let scope = "openid profile email offline_access"

    /// The loopback redirect URI for a callback server on `port`.
    public static func loopbackRedirectURI(port: Int) -> String {
        "http://localhost:\(port)/auth/callback"
    }

    /// The query parameters, in the order Codex sends them.
    public static func parameters(redirectURI: String, codeChallenge: String, state: String) -> [(String, String)] {
        [
            ("response_type", "code"),
            ("client_id", OAuthIssuer.clientID),
            ("redirect_uri", redirectURI),
            ("scope", scope),
            ("code_challenge", codeChallenge),
            ("code_challenge_method", "S256"),
            ("id_token_add_organizations", "true"),
            ("codex_cli_simplified_flow", "true"),
            ("state", state),
            ("originator", CodexClient.originator),
            // Always show the login form, so that a second account can be chosen while one is signed in.
            ("prompt", "login"),
        ]
    }

    /// The complete authorize URL, every value percent-encoded.
    public static func make(issuer: OAuthIssuer, redirectURI: String, codeChallenge: String, state: String) -> URL {
        let query = FormURLEncoding.encode(
            parameters(redirectURI: redirectURI, codeChallenge: codeChallenge, state: state))
        return URL(string: issuer.endpoint("/oauth/authorize").absoluteString + "?" + query)!
    }
}
