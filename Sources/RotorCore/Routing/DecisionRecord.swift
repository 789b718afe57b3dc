#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// One upstream attempt (or one refusal without an attempt) as written to the decision log, so that
/// "which account served request X, and why were the others skipped" is answerable from the store.
public struct DecisionRecord: Hashable, Sendable, Codable {
    /// When the attempt started.
    public var time: Date
    /// The proxy's id for the client request; every attempt of one request shares it.
    public var requestID: String
    /// 1-based attempt number within the request (0 for an answer given without any attempt).
    public var attempt: Int
    /// SHA-256 (hex, first 16 characters) of the conversation key, never the key itself.
    public var conversationKeyHash: String?
    /// The account tried; `nil` when no account was usable.
    public var accountID: AccountID?
    /// The upstream HTTP status, if a response head arrived.
    public var upstreamStatus: Int?
    /// How the attempt (or the request, for an answer without an attempt) ended.
    public var outcome: Outcome
    /// Why this account was chosen, or why the request was answered without one.
    public var reason: String
    /// The cooldown set on the account by this attempt, if any.
    public var cooldownUntil: Date?
    public var cooldownReason: CooldownReason?
    /// Milliseconds from sending the attempt to its first upstream SSE event (or error head).
    public var firstByteMilliseconds: Int?
    /// Response bytes relayed to the client by this attempt.
    public var bytes: Int
    /// Token usage from `response.completed`, when the attempt completed.
    public var inputTokens: Int?
    public var cachedInputTokens: Int?
    public var outputTokens: Int?
    /// Reasoning tokens (part of the output) from `response.completed`.
    public var reasoningTokens: Int?
    /// The model that served the attempt (`response.model`, else the request's `model`).
    public var model: String?
    /// The version of the routing policy that chose (``RoutingPolicy/version``); `nil` in rows written before
    /// rotor recorded it.
    public var policyVersion: String?

    public init(
        time: Date,
        requestID: String,
        attempt: Int,
        conversationKeyHash: String? = nil,
        accountID: AccountID? = nil,
        upstreamStatus: Int? = nil,
        outcome: Outcome,
        reason: String,
        cooldownUntil: Date? = nil,
        cooldownReason: CooldownReason? = nil,
        firstByteMilliseconds: Int? = nil,
        bytes: Int = 0,
        inputTokens: Int? = nil,
        cachedInputTokens: Int? = nil,
        outputTokens: Int? = nil,
        reasoningTokens: Int? = nil,
        model: String? = nil,
        policyVersion: String? = nil
    ) {
        self.time = time
        self.requestID = requestID
        self.attempt = attempt
        self.conversationKeyHash = conversationKeyHash
        self.accountID = accountID
        self.upstreamStatus = upstreamStatus
        self.outcome = outcome
        self.reason = reason
        self.cooldownUntil = cooldownUntil
        self.cooldownReason = cooldownReason
        self.firstByteMilliseconds = firstByteMilliseconds
        self.bytes = bytes
        self.inputTokens = inputTokens
        self.cachedInputTokens = cachedInputTokens
        self.outputTokens = outputTokens
        self.reasoningTokens = reasoningTokens
        self.model = model
        self.policyVersion = policyVersion
    }
}

extension DecisionRecord {
    /// The row with the cooldown its attempt set, and where the deadline came from in its reason.
    public func noting(_ cooldown: CooldownPolicy.Decision) -> DecisionRecord {
        var record = self
        record.cooldownUntil = cooldown.cooldown.until
        record.cooldownReason = cooldown.cooldown.reason
        record.reason += "; cooldown from \(cooldown.source)"
        return record
    }

    /// How an attempt ended, as the decision log spells it.
    public enum Outcome: String, Hashable, Sendable, Codable, CaseIterable, CustomStringConvertible {
        /// The stream went to the client and completed.
        case success
        /// The usage window is used up (a cooldown until its reset).
        case usageLimit = "usage-limit"
        /// A short rate limit.
        case rateLimit = "rate-limit"
        /// The upstream is overloaded or failed with a 5xx.
        case overloaded
        /// The connection failed, or a 2xx body ended before its first event.
        case network
        /// No head or no first event in time.
        case timeout
        /// The access token was refused (401).
        case unauthorized
        /// The login is gone for good.
        case needsLogin = "needs-login"
        /// The account cannot serve (deactivated workspace, plan without Codex).
        case disabled
        /// The request itself was refused; the upstream's answer went to the client.
        case passThrough = "pass-through"
        /// Refused because of another account's reasoning items; retried without them.
        case reasoningRejected = "reasoning-rejected"
        /// Refreshing the account's token failed for now.
        case refreshFailed = "refresh-failed"
        /// The committed stream broke; the client got an error event.
        case interrupted
        /// The client went away.
        case clientClosed = "client-closed"
        /// No account could serve; rotor answered itself.
        case poolDry = "pool-dry"
        /// The request's bounds (switches, retries, time) were spent.
        case gaveUp = "gave-up"

        /// The spelling of the decision log.
        public var description: String { rawValue }

        /// The classification of an account failure.
        public init(_ classification: AccountFailure.Classification) {
            switch classification {
            case .usageLimit: self = .usageLimit
            case .rateLimit: self = .rateLimit
            case .overloaded: self = .overloaded
            case .network: self = .network
            case .timeout: self = .timeout
            }
        }
    }
}
