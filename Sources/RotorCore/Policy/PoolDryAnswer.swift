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
            if case .cooling(let until, let reason) = account.state(at: now),
                soonest.map({ until < $0.until }) ?? true
            {
                soonest = (until, reason)
            }
        }
        guard let soonest else { return unusableAnswer(accounts: accounts, now: now) }
        let seconds = max(1, Int(soonest.until.timeIntervalSince(now).rounded(.up)))
        switch soonest.reason {
        case .usageLimit:
            let resetsAt = Int(soonest.until.timeIntervalSince1970.rounded(.up))
            let when = UTCCalendar.iso8601(Date(timeIntervalSince1970: TimeInterval(resetsAt)))
            let message = accounts.count == 1
                ? "The account has reached its usage limit; it resets at \(when)."
                : "All \(accounts.count) accounts have reached their usage limit; the next one resets at \(when)."
            return .error(status: 429, type: "usage_limit_reached", code: nil, message: message,
                          resetsAt: resetsAt, retryAfterSeconds: seconds)
        case .rateLimit, .overloaded, .network:
            let subject = accounts.count == 1 ? "The account is" : "All \(accounts.count) accounts are"
            let message = "\(subject) briefly unavailable (\(soonest.reason.rawValue)); try again in \(seconds)s."
            return .error(status: 429, type: "rate_limit_exceeded", code: "rotor_pool_busy", message: message,
                          retryAfterSeconds: seconds)
        }
    }

    private static func unusableAnswer(accounts: [Account], now: Date) -> ProxyAnswer {
        guard !accounts.isEmpty else {
            return .error(status: 503, type: "server_error", code: "rotor_no_accounts",
                          message: "rotor has no accounts; add one with `rotor accounts import` or `rotor accounts add`.")
        }
        let parts = accounts.map { account -> String in
            switch account.state(at: now) {
            case .needsLogin(let reason):
                "\(account.label) needs a new login (\(reason)): run `rotor accounts add`"
            case .disabled(let reason):
                "\(account.label) is disabled (\(reason)): run `rotor accounts enable \(shellQuoted(account.label))`"
            case .ready, .cooling:
                "\(account.label) is unavailable"
            }
        }
        return .error(status: 503, type: "server_error", code: "rotor_no_usable_account",
                      message: "No account can serve this request: " + parts.joined(separator: "; ") + ".")
    }

    /// The label as one shell word: unchanged when it is plain, else in single quotes.
    private static func shellQuoted(_ label: String) -> String {
        let plain = !label.isEmpty && label.unicodeScalars.allSatisfy {
            ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || "@._+-:".unicodeScalars.contains($0)
        }
        return plain ? label : "'" + label.replacing("'", with: "'\\''") + "'"
    }
}
