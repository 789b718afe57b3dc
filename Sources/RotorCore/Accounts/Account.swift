#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Why an account is out of rotation, kept with every cooldown and shown to the user.
public enum CooldownReason: String, Sendable, Codable, CaseIterable {
    /// The account used up its ChatGPT usage window; it returns at the server's reset.
    case usageLimit = "usage-limit"
    /// A short rate limit (`rate_limit_exceeded`).
    case rateLimit = "rate-limit"
    /// The upstream said it is overloaded (`server_is_overloaded`, `slow_down`, 5xx).
    case overloaded
    /// The connection failed or timed out before any answer.
    case network
}

/// A time-boxed exclusion of an account from rotation.
public struct Cooldown: Hashable, Sendable, Codable {
    /// The wall-clock instant at which the account is usable again.
    public var until: Date
    /// Why the account is out.
    public var reason: CooldownReason

    public init(until: Date, reason: CooldownReason) {
        self.until = until
        self.reason = reason
    }
}

/// The persistent state of an account, independent of any cooldown.
public enum AccountStatus: Hashable, Sendable {
    /// Usable whenever no cooldown applies.
    case ready
    /// The stored login no longer works (revoked or reused refresh token); `rotor accounts add` fixes it.
    case needsLogin(reason: String)
    /// Out of rotation until the user re-enables it, or the server disabled the workspace.
    case disabled(reason: String)

    /// The stable spelling used in the store and in `--json`: `ready`, `needs-login` or `disabled`.
    public var name: String {
        switch self {
        case .ready: "ready"
        case .needsLogin: "needs-login"
        case .disabled: "disabled"
        }
    }

    /// The reason attached to a non-ready status.
    public var reason: String? {
        switch self {
        case .ready: nil
        case .needsLogin(let reason), .disabled(let reason): reason
        }
    }

    /// Rebuilds a status from its stored name and reason; unknown names read as `disabled` so they never serve.
    public init(name: String, reason: String?) {
        switch name {
        case "ready": self = .ready
        case "needs-login": self = .needsLogin(reason: reason ?? "login required")
        default: self = .disabled(reason: reason ?? "disabled")
        }
    }
}

/// What a stored account is, without its secrets: everything policy needs to decide whether and when to use it.
///
/// Tokens live apart, in ``AccountCredentials``, so that passing an `Account` around can never leak one.
public struct Account: Hashable, Sendable, Identifiable {
    public var id: AccountID
    /// Unique, user-facing name; defaults to the email.
    public var label: String
    public var email: String
    /// The ChatGPT account (workspace) id sent upstream as `chatgpt-account-id`.
    public var chatgptAccountID: String
    /// The ChatGPT plan (`plus`, `pro`, `team`, …) when known.
    public var plan: String?
    public var status: AccountStatus
    /// Set while the account is excluded until a deadline.
    public var cooldown: Cooldown?
    /// Consecutive failures since the last success: the exponent of the account's backoff.
    public var consecutiveFailures: Int
    /// When a request last went upstream on this account.
    public var lastUsedAt: Date?
    /// The access token's `exp`, when known.
    public var accessTokenExpiresAt: Date?
    /// The most recent rate-limit windows reported for this account.
    public var usage: UsageSnapshot?
    /// When the account was first stored.
    public var createdAt: Date

    public init(
        id: AccountID,
        label: String,
        email: String,
        chatgptAccountID: String,
        plan: String? = nil,
        status: AccountStatus = .ready,
        cooldown: Cooldown? = nil,
        consecutiveFailures: Int = 0,
        lastUsedAt: Date? = nil,
        accessTokenExpiresAt: Date? = nil,
        usage: UsageSnapshot? = nil,
        createdAt: Date
    ) {
        self.id = id
        self.label = label
        self.email = email
        self.chatgptAccountID = chatgptAccountID
        self.plan = plan
        self.status = status
        self.cooldown = cooldown
        self.consecutiveFailures = consecutiveFailures
        self.lastUsedAt = lastUsedAt
        self.accessTokenExpiresAt = accessTokenExpiresAt
        self.usage = usage
        self.createdAt = createdAt
    }

    /// The cooldown still in force at `now`, if any.
    public func activeCooldown(at now: Date) -> Cooldown? {
        guard let cooldown, cooldown.until > now else { return nil }
        return cooldown
    }
}

/// The secrets of one account. Never logged, never printed, never put in argv or a child's environment.
public struct AccountCredentials: Hashable, Sendable {
    public var idToken: String
    public var accessToken: String
    public var refreshToken: String
    /// When the tokens were last refreshed, if known.
    public var lastRefresh: Date?

    public init(idToken: String, accessToken: String, refreshToken: String, lastRefresh: Date? = nil) {
        self.idToken = idToken
        self.accessToken = accessToken
        self.refreshToken = refreshToken
        self.lastRefresh = lastRefresh
    }
}

extension AccountCredentials: CustomStringConvertible, CustomDebugStringConvertible {
    /// Redacted: credentials never print.
    public var description: String { "AccountCredentials(<redacted>)" }
    public var debugDescription: String { description }
}
