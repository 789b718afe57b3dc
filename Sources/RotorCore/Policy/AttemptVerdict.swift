/// What an attempt's outcome means for the request and the account (the classification table of docs/routing.md).
public enum AttemptVerdict: Hashable, Sendable {
    /// The stream can go to the client; the head may have carried fresh usage windows.
    case success(usage: UsageSnapshot?)
    /// Nothing reached the client and the account (or the upstream) failed: cool the account down and try
    /// another one.
    case failOver(AccountFailure)
    /// The access token was refused (401): refresh it once and retry the same account.
    case refreshThenRetry
    /// The login is gone for good (the token was invalidated or revoked): mark `needs-login`, try another account.
    case needsLogin(reason: String)
    /// The account cannot serve (deactivated workspace, plan without Codex): mark `disabled`, try another account.
    case disable(reason: String, usage: UsageSnapshot?)
    /// The request itself is wrong: send the upstream answer to the client unchanged. `mentionsReasoning` is true
    /// for a 400 that names `encrypted_content` or `reasoning`.
    case passThrough(mentionsReasoning: Bool)
    /// The stream broke after the commit: end the client's stream with an error, and cool the account down when
    /// the cause is the account's.
    case surface(AccountFailure?)

    /// The decision-log classification.
    public var classification: DecisionRecord.Outcome {
        switch self {
        case .success: .success
        case .failOver(let failure): DecisionRecord.Outcome(failure.classification)
        case .refreshThenRetry: .unauthorized
        case .needsLogin: .needsLogin
        case .disable: .disabled
        case .passThrough: .passThrough
        case .surface: .interrupted
        }
    }
}

/// A failure that benches the account for a while.
public struct AccountFailure: Hashable, Sendable {
    /// What kind of failure it was.
    public enum Classification: String, Hashable, Sendable {
        /// The usage window is used up.
        case usageLimit = "usage-limit"
        /// A short rate limit.
        case rateLimit = "rate-limit"
        /// The upstream is overloaded or failed with a 5xx.
        case overloaded
        /// The connection failed.
        case network
        /// No head or no first event in time.
        case timeout
    }

    /// What kind of failure it was.
    public var classification: Classification
    /// What the upstream said about when to come back.
    public var signal: RateLimitSignal

    /// Creates a failure.
    public init(_ classification: Classification, signal: RateLimitSignal = RateLimitSignal()) {
        self.classification = classification
        self.signal = signal
    }

    /// The reason stored with the cooldown.
    public var cooldownReason: CooldownReason {
        switch classification {
        case .usageLimit: .usageLimit
        case .rateLimit: .rateLimit
        case .overloaded: .overloaded
        case .network, .timeout: .network
        }
    }

    /// The backoff family used when no signal gives a deadline.
    public var backoff: Backoff {
        switch classification {
        case .usageLimit: .usageLimit
        case .rateLimit: .rateLimit
        case .overloaded, .network: .connection
        case .timeout: .timeout
        }
    }

    /// Whether the failure is not the account's fault (network, timeouts, overload): such failures spend the
    /// request's small transient-retry budget rather than its account-switch budget.
    public var isTransient: Bool {
        switch classification {
        case .usageLimit, .rateLimit: false
        case .overloaded, .network, .timeout: true
        }
    }
}
