#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// What an import or a login produces: an account's identity, its tokens, and an optional label.
///
/// An account's identity is its ChatGPT account id together with its email: a Team workspace id is shared by
/// several people, each with their own login.
public struct AccountLogin: Hashable, Sendable {
    /// The login's email address.
    public var email: String
    /// The ChatGPT account (workspace) id sent upstream as `chatgpt-account-id`.
    public var chatgptAccountID: String
    /// The ChatGPT plan (`plus`, `pro`, `team`, …) when known.
    public var plan: String?
    /// The tokens; never printed.
    public var credentials: AccountCredentials
    /// The access token's `exp`, when known.
    public var accessTokenExpiresAt: Date?
    /// A label chosen by the user; `nil` lets the store pick the default (see ``AccountLabel``).
    public var label: String?

    /// Creates a login from its parts.
    public init(
        email: String,
        chatgptAccountID: String,
        plan: String? = nil,
        credentials: AccountCredentials,
        accessTokenExpiresAt: Date? = nil,
        label: String? = nil
    ) {
        self.email = email
        self.chatgptAccountID = chatgptAccountID
        self.plan = plan
        self.credentials = credentials
        self.accessTokenExpiresAt = accessTokenExpiresAt
        self.label = label
    }

    /// Derives the identity from the tokens themselves, as both an auth.json import and an OAuth login must.
    ///
    /// The email, account id and plan come from the id token's claims (the access token's claims fill what the id
    /// token lacks); `chatgptAccountID`, when given (auth.json's `tokens.account_id`), wins over the claim. The
    /// expiry is the access token's `exp`; an access token that is not a JWT leaves it unknown.
    public init(
        credentials: AccountCredentials,
        chatgptAccountID: String? = nil,
        label: String? = nil
    ) throws(AccountLoginError) {
        let idClaims: TokenClaims
        do {
            idClaims = try TokenClaims.decode(jwt: credentials.idToken)
        } catch {
            throw .malformedIDToken(error)
        }
        let accessClaims = try? TokenClaims.decode(jwt: credentials.accessToken)
        guard let email = Self.nonEmpty(idClaims.email ?? accessClaims?.email) else { throw .missingEmail }
        let accountID = Self.nonEmpty(chatgptAccountID)
            ?? Self.nonEmpty(idClaims.chatgptAccountID ?? accessClaims?.chatgptAccountID)
        guard let accountID else { throw .missingChatGPTAccountID }
        self.init(
            email: email,
            chatgptAccountID: accountID,
            plan: Self.nonEmpty(idClaims.plan ?? accessClaims?.plan),
            credentials: credentials,
            accessTokenExpiresAt: accessClaims?.expiresAt,
            label: label
        )
    }

    private static func nonEmpty(_ text: String?) -> String? {
        guard let text, !text.isEmpty else { return nil }
        return text
    }
}

/// Why tokens do not name an account.
public enum AccountLoginError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The id token is not a readable JWT.
    case malformedIDToken(TokenClaimsError)
    /// Neither token carries an email claim.
    case missingEmail
    /// No ChatGPT account id was given and neither token carries one.
    case missingChatGPTAccountID

    public var description: String {
        switch self {
        case .malformedIDToken(let error): "the id token is malformed: \(error)"
        case .missingEmail: "the id token has no email claim"
        case .missingChatGPTAccountID: "the login names no ChatGPT account id"
        }
    }
}
