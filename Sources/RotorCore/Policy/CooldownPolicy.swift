#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// How long a failed account stays out (see docs/routing.md).
///
/// Precedence: (1) the body's `error.resets_at` / `error.resets_in_seconds`; (2) the return of every used-up
/// `x-codex-*` window (``UsageSnapshot/exhaustedUntil(at:)``: its reset, else its length, at most an hour);
/// (3) `retry-after-ms` / `Retry-After`, then a "try again in …" hint in the message; (4) the failure's
/// ``Backoff`` with n = the account's consecutive failures. Every deadline is clamped to 7 days, and a known later
/// cooldown is never shortened.
public enum CooldownPolicy {
    /// Where a cooldown's deadline came from, for the decision log.
    public enum Source: Hashable, Sendable, CustomStringConvertible {
        /// `error.resets_at` or `error.resets_in_seconds`.
        case bodyReset
        /// The return of a used-up `x-codex-*` window: its reported reset, else its length, at most an hour.
        case usageWindowReset
        /// `retry-after-ms` or `Retry-After`.
        case retryAfter
        /// "try again in …" in the error message.
        case messageHint
        /// The backoff family, with the failure count it used.
        case backoff(consecutiveFailures: Int)
        /// A later cooldown already in force was kept.
        case existingLaterCooldown

        /// The spelling used in the decision log.
        public var description: String {
            switch self {
            case .bodyReset: "error.resets_at"
            case .usageWindowReset: "x-codex window reset"
            case .retryAfter: "Retry-After"
            case .messageHint: "message hint"
            case .backoff(let n): "backoff n=\(n)"
            case .existingLaterCooldown: "kept later cooldown"
            }
        }
    }

    /// A cooldown and where its deadline came from.
    public struct Decision: Hashable, Sendable {
        /// The cooldown that stands after merging with the existing one.
        public var cooldown: Cooldown
        /// Where the deadline came from.
        public var source: Source

        /// Creates a decision.
        public init(cooldown: Cooldown, source: Source) {
            self.cooldown = cooldown
            self.source = source
        }
    }

    /// The cooldown for `failure` on an account with `consecutiveFailures` failures before this one and the
    /// cooldown `existing` (if any) already stored.
    public static func decide(
        for failure: AccountFailure,
        consecutiveFailures: Int,
        existing: Cooldown?,
        now: Date,
        using generator: inout some RandomNumberGenerator
    ) -> Decision {
        let (deadline, source) = deadline(for: failure, consecutiveFailures: consecutiveFailures, now: now,
                                          using: &generator)
        let proposed = Cooldown(until: deadline, reason: failure.cooldownReason)
        let merged = Cooldown.merging(existing: existing, new: proposed, now: now)
        return Decision(cooldown: merged, source: merged == proposed ? source : .existingLaterCooldown)
    }

    /// One more failure on an account that had `consecutiveFailures` failures and the stored cooldown `existing`:
    /// the new count and the cooldown that stands. The store applies it in the transaction that reads the count, so
    /// simultaneous failures all count and the backoff grows with each.
    public static func recordFailure(
        _ failure: AccountFailure,
        after consecutiveFailures: Int,
        existing: Cooldown?,
        now: Date,
        using generator: inout some RandomNumberGenerator
    ) -> (consecutiveFailures: Int, decision: Decision) {
        let before = max(0, consecutiveFailures)
        let decision = decide(for: failure, consecutiveFailures: before, existing: existing, now: now,
                              using: &generator)
        return (before + 1, decision)
    }

    /// The deadline the signal (or the backoff) gives, clamped to [now, now + 7 days].
    public static func deadline(
        for failure: AccountFailure,
        consecutiveFailures: Int,
        now: Date,
        using generator: inout some RandomNumberGenerator
    ) -> (Date, Source) {
        let signal = failure.signal
        let candidates: [(Date?, Source)] = [
            (signal.error?.resetsAt, .bodyReset),
            (signal.usage?.exhaustedUntil(at: now), .usageWindowReset),
            (signal.retryAfter, .retryAfter),
            (signal.error?.messageRetryAt, .messageHint),
        ]
        for case (let date?, let source) in candidates {
            if let clamped = SignalDeadline.clamp(date, now: now) { return (clamped, source) }
        }
        let n = max(0, consecutiveFailures)
        let delay = failure.backoff.delay(consecutiveFailures: n, using: &generator)
        return (SignalDeadline.after(seconds: delay.timeInterval, now: now) ?? now, .backoff(consecutiveFailures: n))
    }
}
