import Foundation
import RotorCore

/// The tokens a successful code exchange returns. Never printed, never logged.
public struct LoginTokens: Sendable, Hashable {
    /// The OpenID id token: names the account (email, ChatGPT account id, plan).
    public var idToken: String
    /// The bearer token for the Codex backend.
    public var accessToken: String
    /// The single-use refresh token.
    public var refreshToken: String
    /// `expires_in` of the access token, when the server sent it.
    public var expiresIn: Duration?

    /// Wraps tokens.
    public init(idToken: String, accessToken: String, refreshToken: String, expiresIn: Duration? = nil) {
        self.idToken = idToken
        self.accessToken = accessToken
        self.refreshToken = refreshToken
        self.expiresIn = expiresIn
    }

    /// The tokens as stored credentials, refreshed `now`.
    public func credentials(now: Date) -> AccountCredentials {
        AccountCredentials(idToken: idToken, accessToken: accessToken, refreshToken: refreshToken, lastRefresh: now)
    }

    /// Validates the token endpoint's JSON answer: a non-empty access token, id token and refresh token, and a
    /// positive `expires_in` when it is present.
    /// - Throws: ``LoginError`` (`invalidTokenResponse`) naming what is missing, never a token.
    public static func parse(_ body: Data) throws(LoginError) -> LoginTokens {
        let payload: Payload
        do {
            payload = try JSONDecoder().decode(Payload.self, from: body)
        } catch {
            throw .invalidTokenResponse("not a JSON object of tokens")
        }
        guard let accessToken = payload.accessToken, !accessToken.isEmpty else {
            throw .invalidTokenResponse("no access_token")
        }
        guard let refreshToken = payload.refreshToken, !refreshToken.isEmpty else {
            throw .invalidTokenResponse("no refresh_token")
        }
        guard let idToken = payload.idToken, !idToken.isEmpty else { throw .invalidTokenResponse("no id_token") }
        var expiresIn: Duration?
        if let seconds = payload.expiresIn {
            guard let seconds = seconds.value, seconds.isFinite, seconds > 0 else {
                throw .invalidTokenResponse("expires_in is not a positive number of seconds")
            }
            expiresIn = .milliseconds(Int64(min(seconds, 1e9) * 1000))
        }
        return LoginTokens(idToken: idToken, accessToken: accessToken, refreshToken: refreshToken, expiresIn: expiresIn)
    }

    private struct Payload: Decodable {
        var idToken: String?
        var accessToken: String?
        var refreshToken: String?
        var expiresIn: LenientNumber?

        enum CodingKeys: String, CodingKey {
            case idToken = "id_token"
            case accessToken = "access_token"
            case refreshToken = "refresh_token"
            case expiresIn = "expires_in"
        }
    }
}

/// A JSON number that some servers send as a string (`"5"`); `value` is `nil` for anything else.
struct LenientNumber: Decodable, Hashable {
    var value: Double?

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Double.self) {
            value = number
        } else if let text = try? container.decode(String.self) {
            value = Double(text.trimmingCharacters(in: .whitespaces))
        } else {
            value = nil
        }
    }
}

extension LoginTokens: CustomStringConvertible, CustomDebugStringConvertible {
    /// Redacted: tokens never print.
    public var description: String { "LoginTokens(<redacted>)" }
    public var debugDescription: String { description }
}
