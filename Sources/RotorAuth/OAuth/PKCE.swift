import Crypto
import Foundation
import RotorCore

/// A PKCE pair (RFC 7636) with the S256 method: the secret verifier and the challenge sent in the authorize URL.
public struct PKCE: Sendable, Hashable {
    /// The secret sent only with the code exchange. Never printed, never logged.
    public let verifier: String
    /// `base64url(SHA-256(verifier))`, sent in the authorize URL.
    public let challenge: String

    /// Wraps an existing verifier (the device flow receives one from the server).
    public init(verifier: String) {
        self.verifier = verifier
        self.challenge = Self.challenge(for: verifier)
    }

    /// A fresh pair whose verifier is 64 random bytes, base64url-encoded (86 characters).
    public static func generate(using rng: inout some RandomNumberGenerator) -> PKCE {
        PKCE(verifier: Base64URLText.random(byteCount: 64, using: &rng))
    }

    /// The S256 challenge of `verifier`: `base64url(SHA-256(ASCII(verifier)))`.
    public static func challenge(for verifier: String) -> String {
        Base64URL.encode(SHA256.hash(data: Array(verifier.utf8)))
    }
}

extension PKCE: CustomStringConvertible, CustomDebugStringConvertible {
    /// Redacted: the verifier never prints.
    public var description: String { "PKCE(challenge: \(challenge), verifier: <redacted>)" }
    public var debugDescription: String { description }
}
