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
}
