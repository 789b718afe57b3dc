import Foundation
import GRDB
import RotorCore

/// One row of `account`: an account with its tokens.
struct AccountRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "account"

    var id: String
    var label: String
    var email: String
    var chatgptAccountID: String
    var plan: String?
    var idToken: String
    var accessToken: String
    var refreshToken: String
    var lastRefresh: Date?
    var accessTokenExpiresAt: Date?
    var status: String
    var statusReason: String?
    var cooldownUntil: Date?
    var cooldownReason: String?
    var consecutiveFailures: Int
    var lastUsedAt: Date?
    var createdAt: Date

    enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, label, email, plan, status
        case chatgptAccountID = "chatgpt_account_id"
        case idToken = "id_token"
        case accessToken = "access_token"
        case refreshToken = "refresh_token"
        case lastRefresh = "last_refresh"
        case accessTokenExpiresAt = "access_token_expires_at"
        case statusReason = "status_reason"
        case cooldownUntil = "cooldown_until"
        case cooldownReason = "cooldown_reason"
        case consecutiveFailures = "consecutive_failures"
        case lastUsedAt = "last_used_at"
        case createdAt = "created_at"
    }

    static func databaseDateEncodingStrategy(for column: String) -> DatabaseDateEncodingStrategy {
        .timeIntervalSince1970
    }

    static func databaseDateDecodingStrategy(for column: String) -> DatabaseDateDecodingStrategy {
        .timeIntervalSince1970
    }

    /// A new row for a login never stored before.
    init(id: AccountID, label: String, login: AccountLogin, createdAt: Date) {
        self.id = id.rawValue
        self.label = label
        self.email = login.email
        self.chatgptAccountID = login.chatgptAccountID
        self.plan = login.plan
        self.idToken = login.credentials.idToken
        self.accessToken = login.credentials.accessToken
        self.refreshToken = login.credentials.refreshToken
        self.lastRefresh = login.credentials.lastRefresh
        self.accessTokenExpiresAt = login.accessTokenExpiresAt
        self.status = AccountStatus.ready.name
        self.consecutiveFailures = 0
        self.createdAt = createdAt
    }

    /// Replaces the tokens (and their expiry) with newer ones.
    mutating func setCredentials(_ credentials: AccountCredentials, accessTokenExpiresAt: Date?) {
        idToken = credentials.idToken
        accessToken = credentials.accessToken
        refreshToken = credentials.refreshToken
        lastRefresh = credentials.lastRefresh
        self.accessTokenExpiresAt = accessTokenExpiresAt
    }

    /// The stored cooldown, expired or not; an unknown stored reason reads as a rate limit.
    var cooldown: Cooldown? {
        get {
            guard let cooldownUntil else { return nil }
            let reason = cooldownReason.flatMap(CooldownReason.init(rawValue:)) ?? .rateLimit
            return Cooldown(until: cooldownUntil, reason: reason)
        }
        set {
            cooldownUntil = newValue?.until
            cooldownReason = newValue?.reason.rawValue
        }
    }

    var accountID: AccountID? { AccountID(id) }

    var credentials: AccountCredentials {
        AccountCredentials(
            idToken: idToken,
            accessToken: accessToken,
            refreshToken: refreshToken,
            lastRefresh: lastRefresh
        )
    }

    /// The account without its secrets; `nil` if the stored id is not a UUID (never written by rotor).
    func account(usage: UsageSnapshot?) -> Account? {
        guard let accountID else { return nil }
        return Account(
            id: accountID,
            label: label,
            email: email,
            chatgptAccountID: chatgptAccountID,
            plan: plan,
            status: AccountStatus(name: status, reason: statusReason),
            cooldown: cooldown,
            consecutiveFailures: consecutiveFailures,
            lastUsedAt: lastUsedAt,
            accessTokenExpiresAt: accessTokenExpiresAt,
            usage: usage,
            createdAt: createdAt
        )
    }
}
