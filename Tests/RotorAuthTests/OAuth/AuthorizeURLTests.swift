import Foundation
import Testing

@testable import RotorAuth

struct AuthorizeURLTests {
    /// Every parameter Codex's login sends, with its exact name and value, percent-encoded.
    @Test func carriesEveryParameter() throws {
        let issuer = OAuthIssuer(url: URL(string: "https://auth.example.com/")!)
        let url = AuthorizeURL.make(
            issuer: issuer,
            redirectURI: "http://localhost:1455/auth/callback",
            codeChallenge: "challenge-value",
            state: "state-value"
        )
        let components = try #require(URLComponents(url: url, resolvingAgainstBaseURL: false))
        #expect(components.scheme == "https")
        #expect(components.host == "auth.example.com")
        #expect(components.path == "/oauth/authorize")
        let query = Dictionary(uniqueKeysWithValues: (components.queryItems ?? []).map { ($0.name, $0.value ?? "") })
        #expect(
            query == [
                "response_type": "code",
                "client_id": "app_EMoamEEZ73f0CkXaXp7hrann",
                "redirect_uri": "http://localhost:1455/auth/callback",
                "scope": "openid profile email offline_access",
                "code_challenge": "challenge-value",
                "code_challenge_method": "S256",
                "id_token_add_organizations": "true",
                "codex_cli_simplified_flow": "true",
                "state": "state-value",
                "originator": "codex_cli_rs",
                "prompt": "login",
            ]
        )
        #expect(url.absoluteString.contains("redirect_uri=http%3A%2F%2Flocalhost%3A1455%2Fauth%2Fcallback"))
        #expect(url.absoluteString.contains("scope=openid%20profile%20email%20offline_access"))
    }

    /// `$ROTOR_AUTH_ISSUER` replaces the issuer; unset or empty means OpenAI's; a malformed value is refused.
    @Test func issuerComesFromTheEnvironment() throws {
        #expect(OAuthIssuer.fromEnvironment([:]).url.absoluteString == "https://auth.openai.com")
        #expect(OAuthIssuer.fromEnvironment(["ROTOR_AUTH_ISSUER": ""]) == .openAI)
        let local = OAuthIssuer.fromEnvironment(["ROTOR_AUTH_ISSUER": "http://127.0.0.1:9999/"])
        #expect(local.tokenEndpoint.absoluteString == "http://127.0.0.1:9999/oauth/token")
        #expect(throws: LoginError.invalidIssuer("ftp://x")) {
            try OAuthIssuer.validated(environment: ["ROTOR_AUTH_ISSUER": "ftp://x"])
        }
        #expect(OAuthIssuer.fromEnvironment(["ROTOR_AUTH_ISSUER": "not a url"]) == .openAI)
    }

    /// `$ROTOR_LOGIN_TIMEOUT` is a positive number of seconds; unset means 300 s.
    @Test func loginTimeoutComesFromTheEnvironment() throws {
        #expect(try LoginSettings.fromEnvironment([:]).interactiveTimeout == .seconds(300))
        #expect(
            try LoginSettings.fromEnvironment(["ROTOR_LOGIN_TIMEOUT": "0.5"]).interactiveTimeout == .milliseconds(500))
        for bad in ["0", "-3", "soon", "nan"] {
            #expect(throws: LoginError.self) { try LoginSettings.fromEnvironment(["ROTOR_LOGIN_TIMEOUT": bad]) }
        }
    }
}
