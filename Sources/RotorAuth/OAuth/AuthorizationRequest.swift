import Foundation

/// The secrets of one browser login: the PKCE pair and the `state` that ties the callback to this login.
public struct AuthorizationRequest: Sendable, Hashable {
    /// The PKCE pair; its verifier goes only to the token endpoint.
    public var pkce: PKCE
    /// The random `state` the callback must echo (32 random bytes, base64url).
    public var state: String

    /// Wraps an existing pair and state.
    public init(pkce: PKCE, state: String) {
        self.pkce = pkce
        self.state = state
    }

    /// A fresh request: a new PKCE pair and a new 256-bit `state`, both drawn from `rng`.
    public static func generate(using rng: inout some RandomNumberGenerator) -> AuthorizationRequest {
        let pkce = PKCE.generate(using: &rng)
        return AuthorizationRequest(pkce: pkce, state: Base64URLText.random(byteCount: 32, using: &rng))
    }

    /// The URL the user opens to log in, which returns to `redirectURI`.
    public func authorizeURL(issuer: OAuthIssuer, redirectURI: String) -> URL {
        AuthorizeURL.make(issuer: issuer, redirectURI: redirectURI, codeChallenge: pkce.challenge, state: state)
    }
}

extension AuthorizationRequest: CustomStringConvertible, CustomDebugStringConvertible {
    /// Redacted: the verifier never prints.
    public var description: String { "AuthorizationRequest(\(pkce))" }
    public var debugDescription: String { description }
}
