#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// The claims rotor reads from an OpenAI id or access token (a JWT), decoded without checking its signature.
///
/// rotor never trusts these claims for security: they only name the account (email, ChatGPT account id, plan)
/// and tell when the access token expires. The server checks the token itself on every request.
public struct TokenClaims: Hashable, Sendable {
    /// `email`, else `email` inside the `https://api.openai.com/profile` object.
    public var email: String?
    /// `chatgpt_account_id` inside the `https://api.openai.com/auth` object.
    public var chatgptAccountID: String?
    /// `chatgpt_plan_type` inside the `https://api.openai.com/auth` object (`plus`, `pro`, `team`, …).
    public var plan: String?
    /// `exp`: when the token stops being accepted.
    public var expiresAt: Date?

    /// Creates claims from their values.
    public init(email: String? = nil, chatgptAccountID: String? = nil, plan: String? = nil, expiresAt: Date? = nil) {
        self.email = email
        self.chatgptAccountID = chatgptAccountID
        self.plan = plan
        self.expiresAt = expiresAt
    }

    /// Decodes the payload (the second, base64url-encoded segment) of a JWT. The signature is not checked.
    public static func decode(jwt: String) throws(TokenClaimsError) -> TokenClaims {
        let segments = jwt.split(separator: ".", omittingEmptySubsequences: false)
        guard segments.count == 3, !segments[1].isEmpty else { throw .notAJWT }
        guard let payload = Base64URL.decode(segments[1]) else { throw .payloadNotBase64URL }
        let claims: Payload
        do {
            claims = try JSONDecoder().decode(Payload.self, from: payload)
        } catch {
            throw .payloadNotJSON
        }
        return TokenClaims(
            email: claims.email ?? claims.profile?.email,
            chatgptAccountID: claims.auth?.chatgptAccountID,
            plan: claims.auth?.chatgptPlanType,
            expiresAt: claims.exp.map { Date(timeIntervalSince1970: $0) }
        )
    }

    /// The JSON shape of the payload; every member is optional and other members are ignored.
    private struct Payload: Decodable {
        var email: String?
        var exp: Double?
        var profile: Profile?
        var auth: Auth?

        enum CodingKeys: String, CodingKey {
            case email, exp
            case profile = "https://api.openai.com/profile"
            case auth = "https://api.openai.com/auth"
        }

        struct Profile: Decodable {
            var email: String?
        }

        struct Auth: Decodable {
            var chatgptAccountID: String?
            var chatgptPlanType: String?

            enum CodingKeys: String, CodingKey {
                case chatgptAccountID = "chatgpt_account_id"
                case chatgptPlanType = "chatgpt_plan_type"
            }
        }
    }
}

/// Why a token could not be read as a JWT.
public struct TokenClaimsError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure, without associated values (for logs and tests).
    public enum Code: String, Hashable, Sendable {
        case notAJWT = "not-a-jwt"
        case payloadNotBase64URL = "payload-not-base64url"
        case payloadNotJSON = "payload-not-json"
    }

    /// The kind of failure.
    public let code: Code

    /// The token does not have three dot-separated segments.
    public static let notAJWT = TokenClaimsError(code: .notAJWT)
    /// The payload segment is not base64url.
    public static let payloadNotBase64URL = TokenClaimsError(code: .payloadNotBase64URL)
    /// The payload is not a JSON object with the expected member types.
    public static let payloadNotJSON = TokenClaimsError(code: .payloadNotJSON)

    public var description: String {
        switch code {
        case .notAJWT: "the token is not a JWT (expected three dot-separated parts)"
        case .payloadNotBase64URL: "the token's payload is not base64url"
        case .payloadNotJSON: "the token's payload is not a JSON object of claims"
        }
    }
}
