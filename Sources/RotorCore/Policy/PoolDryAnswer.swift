#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// rotor's answer when no account can serve, given without spending an upstream request (see docs/routing.md).
///
/// Whether to wait for the earliest return first is the routing machine's decision (``RequestRouting``).
public enum PoolDryAnswer {
    /// The answer for a dry pool, decided by the reason of the soonest-returning account: `usage-limit` → 429 with
    /// `usage_limit_reached` and `resets_at` (Codex then prints "try again at <time>" and stops); `rate-limit`,
    /// `overloaded`, `network` → 429 `rate_limit_exceeded`/`rotor_pool_busy` (Codex retries it after
    /// `Retry-After`); only `needs-login`/`disabled` accounts (or none) → 503 naming each account and its fix.
    public static func response(accounts: [Account], now: Date) -> ProxyAnswer {
        var soonest: (until: Date, reason: CooldownReason)?
        for account in accounts {
            if case .cooling(let until, let reason) = account.state(at: now), soonest.map({ until < $0.until }) ?? true {
                soonest = (until, reason)
            }
        }
        guard let soonest else {
            return accounts.isEmpty ? .noAccounts : .noUsableAccount(accounts.compactMap { fix(for: $0, now: now) })
        }
        let seconds = max(1, Int(soonest.until.timeIntervalSince(now).rounded(.up)))
        switch soonest.reason {
        case .usageLimit:
            return .usageLimitReached(accounts: accounts.count,
                                      resetsAt: Int(soonest.until.timeIntervalSince1970.rounded(.up)),
                                      retryAfterSeconds: seconds)
        case .rateLimit, .overloaded, .network:
            return .poolBusy(accounts: accounts.count, reason: soonest.reason, retryAfterSeconds: seconds)
        }
    }

    /// What the user must do for `account`, when only they can bring it back.
    private static func fix(for account: Account, now: Date) -> ProxyAnswer.AccountFix? {
        switch account.state(at: now) {
        case .needsLogin(let reason): .login(label: account.label, reason: reason)
        case .disabled(let reason): .enable(label: account.label, reason: reason)
        case .ready, .cooling: nil
        }
    }
}
