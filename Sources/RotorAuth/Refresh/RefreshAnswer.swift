import Foundation
import RotorCore

/// What the token endpoint's answer to a `refresh_token` grant means.
enum RefreshAnswer: Sendable, Hashable {
    /// New tokens; each is optional (the old value is kept where the answer omits one).
    case refreshed(idToken: String?, accessToken: String?, refreshToken: String?)
    /// The refresh token is dead: the account needs a new login, and retrying cannot help.
    case revoked(reason: String)
    /// The refresh may work later.
    case transient(String)

    /// Error codes that mean the refresh token can never work again.
    static let revokingCodes: [String: String] = [
        "refresh_token_reused": "the refresh token was already used by another copy of this login",
        "refresh_token_expired": "the refresh token expired",
        "refresh_token_invalidated": "the refresh token was revoked",
        "invalid_grant": "the login server rejected the refresh token (invalid_grant)",
    ]

    /// Classifies an answer: a revoking error code (in `error`, `error.code` or top-level `code`) or any 401 revokes;
    /// another error status is transient; a success carries the tokens.
    static func classify(status: Int, body: Data) -> RefreshAnswer {
        guard (200..<300).contains(status) else {
            let code = OAuthErrorBody.code(in: body)
            if let code, let reason = revokingCodes[code] { return .revoked(reason: reason) }
            if status == 401 {
                return .revoked(reason: "the login server rejected the refresh token (HTTP 401)")
            }
            return .transient("the token endpoint answered HTTP \(status)")
        }
        guard let tokens = try? JSONDecoder().decode(Tokens.self, from: body) else {
            return .transient("the token endpoint's answer is not JSON")
        }
        return .refreshed(
            idToken: tokens.idToken.flatMap { $0.isEmpty ? nil : $0 },
            accessToken: tokens.accessToken.flatMap { $0.isEmpty ? nil : $0 },
            refreshToken: tokens.refreshToken.flatMap { $0.isEmpty ? nil : $0 }
        )
    }

    /// `old` with the values the answer carries, refreshed `now`.
    static func merge(
        idToken: String?,
        accessToken: String?,
        refreshToken: String?,
        into old: AccountCredentials,
        now: Date
    ) -> AccountCredentials {
        AccountCredentials(
            idToken: idToken ?? old.idToken,
            accessToken: accessToken ?? old.accessToken,
            refreshToken: refreshToken ?? old.refreshToken,
            lastRefresh: now
        )
    }

    private struct Tokens: Decodable {
        var idToken: String?
        var accessToken: String?
        var refreshToken: String?

        enum CodingKeys: String, CodingKey {
            case idToken = "id_token"
            case accessToken = "access_token"
            case refreshToken = "refresh_token"
        }
    }
}

extension RefreshAnswer: CustomStringConvertible {
    /// Redacted: tokens never print.
    var description: String {
        switch self {
        case .refreshed: "refreshed(<redacted>)"
        case .revoked(let reason): "revoked(\(reason))"
        case .transient(let reason): "transient(\(reason))"
        }
    }
}
