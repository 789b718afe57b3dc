#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// The `error` object of an upstream answer: a JSON error body, or the `response.error` of a `response.failed`
/// SSE event.
///
/// Only what policy reads is kept. Garbage is ignored field by field: a body that is not JSON yields no error,
/// a `resets_at` that is not a positive number yields no reset, and every reset is clamped to 7 days.
public struct UpstreamError: Hashable, Sendable {
    /// `error.type`, when present.
    public var type: String?
    /// `error.code`, when present.
    public var code: String?
    /// `error.message`, when present.
    public var message: String?
    /// The reset from `error.resets_at` (unix seconds, or milliseconds above 10^12), else from
    /// `error.resets_in_seconds`; never past, never more than 7 days away.
    public var resetsAt: Date?
    /// The delay hinted in the message ("try again in 1m30s"), as a deadline; clamped like ``resetsAt``.
    public var messageRetryAt: Date?

    /// Reads the error of a JSON body (`{"error":{…}}`) or of a `response.failed` event
    /// (`{"type":"response.failed","response":{"error":{…}}}`); `nil` when there is none.
    public init?(json bytes: [UInt8], now: Date) {
        guard let document = JSONValue.parse(bytes) else { return nil }
        let object = document["error"] ?? document["response"]?["error"]
        guard let object, case .object = object else { return nil }
        self.init(object: object, now: now)
        guard type != nil || code != nil || message != nil || resetsAt != nil else { return nil }
    }

    private init(object: JSONValue, now: Date) {
        type = object["type"]?.string
        code = object["code"]?.string
        message = object["message"]?.string
        resetsAt = object["resets_at"]?.number.flatMap { SignalDeadline.at(unixTime: $0, now: now) }
            ?? object["resets_in_seconds"]?.number.flatMap { SignalDeadline.after(seconds: $0, now: now) }
        messageRetryAt = message.flatMap(RetryDelayText.seconds(in:)).flatMap {
            SignalDeadline.after(seconds: $0, now: now)
        }
    }

    /// What the type or code says about the account, checked in both fields.
    public var kind: UpstreamErrorKind {
        let names = [type, code].compactMap { $0?.lowercased() }
        for candidate in UpstreamErrorKind.recognised where names.contains(where: candidate.matches) {
            return candidate
        }
        if let message = message?.lowercased(), message.contains("invalidated") || message.contains("revoked") {
            return .tokenInvalidated
        }
        return .other
    }
}

/// The upstream error codes that steer policy (see docs/routing.md).
public enum UpstreamErrorKind: String, Hashable, Sendable, CaseIterable {
    /// `usage_limit_reached`: the account's usage window is used up.
    case usageLimitReached = "usage_limit_reached"
    /// `rate_limit_exceeded`: a short rate limit.
    case rateLimitExceeded = "rate_limit_exceeded"
    /// `usage_not_included`: the plan cannot use Codex.
    case usageNotIncluded = "usage_not_included"
    /// `insufficient_quota`: no quota or credits left on the plan.
    case insufficientQuota = "insufficient_quota"
    /// `server_is_overloaded` or `slow_down`: not the account's fault.
    case overloaded = "server_is_overloaded"
    /// `deactivated_workspace`, `account_deactivated` and similar: the account is disabled server-side.
    case deactivated = "deactivated_workspace"
    /// The access token was invalidated or revoked: only a new login helps.
    case tokenInvalidated = "token_invalidated"
    /// Anything else.
    case other

    static let recognised: [UpstreamErrorKind] = [
        .usageLimitReached, .rateLimitExceeded, .usageNotIncluded, .insufficientQuota, .overloaded, .deactivated,
        .tokenInvalidated,
    ]

    private static let deactivatedNames: Set<String> = [
        "deactivated_workspace", "workspace_deactivated", "account_deactivated", "deactivated_account",
        "account_disabled", "account_suspended", "user_deactivated", "organization_deactivated",
    ]

    private static let invalidatedNames: Set<String> = [
        "token_invalidated", "token_revoked", "invalidated_token", "revoked_token", "refresh_token_invalidated",
    ]

    func matches(_ name: String) -> Bool {
        switch self {
        case .overloaded: name == "server_is_overloaded" || name == "slow_down"
        case .deactivated: Self.deactivatedNames.contains(name)
        case .tokenInvalidated: Self.invalidatedNames.contains(name)
        case .other: false
        default: name == rawValue
        }
    }
}
