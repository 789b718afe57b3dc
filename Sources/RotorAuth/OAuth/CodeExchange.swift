import AsyncHTTPClient
import Foundation
import Logging

/// Exchanges an authorization code for tokens at `POST {issuer}/oauth/token`.
public struct CodeExchange: Sendable {
    /// The issuer whose token endpoint is called.
    public var issuer: OAuthIssuer
    var post: OAuthPost

    /// Creates an exchange over `httpClient`; `timeout` bounds the whole call.
    public init(issuer: OAuthIssuer, httpClient: HTTPClient, logger: Logger, timeout: Duration = .seconds(30)) {
        self.issuer = issuer
        self.post = OAuthPost(httpClient: httpClient, timeout: timeout, logger: logger)
    }

    /// Sends the form-encoded `authorization_code` grant and validates the answer.
    /// - Parameters:
    ///   - code: the authorization code from the callback, the pasted URL or the device flow.
    ///   - verifier: the PKCE verifier whose challenge the authorize request carried.
    ///   - redirectURI: exactly the redirect URI the code was issued for.
    /// - Throws: ``LoginError``: `unreachable`, `tokenEndpointRejected` or `invalidTokenResponse`.
    public func exchange(code: String, verifier: String, redirectURI: String) async throws(LoginError) -> LoginTokens {
        let body = OAuthPost.Body.form([
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirectURI),
            ("client_id", OAuthIssuer.clientID),
            ("code_verifier", verifier),
        ])
        let answer: OAuthPost.Answer
        do {
            answer = try await post.send(body, to: issuer.tokenEndpoint)
        } catch {
            throw .unreachable(issuer, reason: error.description)
        }
        guard answer.isSuccess else {
            post.logger.debug("code exchange refused", metadata: ["rotor.status": "\(answer.status)"])
            throw .tokenEndpointRejected(status: answer.status, errorCode: OAuthErrorBody.code(in: answer.body))
        }
        return try LoginTokens.parse(answer.body)
    }
}
