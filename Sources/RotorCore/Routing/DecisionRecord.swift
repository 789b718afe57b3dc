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
    /// The classification of the outcome (`success`, `usage-limit`, `rate-limit`, `overloaded`, `network`,
    /// `timeout`, `unauthorized`, `needs-login`, `disabled`, `pass-through`, `interrupted`, `pool-dry`, …).
    public var outcome: String
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

    public init(
        time: Date,
        requestID: String,
        attempt: Int,
        conversationKeyHash: String? = nil,
        accountID: AccountID? = nil,
        upstreamStatus: Int? = nil,
        outcome: String,
        reason: String,
        cooldownUntil: Date? = nil,
        cooldownReason: CooldownReason? = nil,
        firstByteMilliseconds: Int? = nil,
        bytes: Int = 0,
        inputTokens: Int? = nil,
        cachedInputTokens: Int? = nil,
        outputTokens: Int? = nil
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
    }
}
