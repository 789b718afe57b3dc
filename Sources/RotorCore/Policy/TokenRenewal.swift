#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Which accounts' access tokens to refresh ahead of time, whether or not they are cooling, so that an account
/// returning from a cooldown is usable at once.
public enum TokenRenewal {
    /// Access tokens expiring within this span are refreshed ahead of time.
    public static let margin: TimeInterval = 5 * 60

    /// The accounts whose access token expires within ``margin`` of `now`: every account that can still serve
    /// (ready, cooling included); never one that needs a login or is disabled, and never one whose expiry is unknown.
    public static func due(in accounts: [Account], now: Date) -> [AccountID] {
        accounts.compactMap { account in
            guard case .ready = account.status, isDue(expiresAt: account.accessTokenExpiresAt, now: now) else {
                return nil
            }
            return account.id
        }
    }

    /// Whether an access token expiring at `expiresAt` is due for a refresh at `now`; an unknown expiry never is.
    public static func isDue(expiresAt: Date?, now: Date) -> Bool {
        guard let expiresAt else { return false }
        return expiresAt.timeIntervalSince(now) <= margin
    }

    /// How one renewal ended, as the renewal loop (which runs outside any request) reports it.
    public enum Result: Hashable, Sendable {
        /// The tokens are fresh (refreshed now, or by another process meanwhile).
        case renewed
        /// The issuer refused the refresh token.
        case refused(reason: String, refused: RefusedRefreshToken)
        /// The refresh failed for now; the next pass or the next request tries again.
        case failed(reason: String)
    }

    /// What the store records after a renewal: a refused login needs a new one (unless a login was stored since);
    /// nothing else changes the account.
    public static func effects(for id: AccountID, after result: Result) -> [RequestRouting.Effect] {
        switch result {
        case .renewed, .failed: []
        case .refused(let reason, let refused): [.loginRefused(id, reason: reason, refused: refused)]
        }
    }
}
