#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Which accounts' access tokens to refresh ahead of time, whether or not they are cooling, so that an account
/// returning from a cooldown is usable at once (issue 4 §4, design-notes §4).
public enum TokenRenewal {
    /// Access tokens expiring within this span are refreshed ahead of time.
    public static let margin: TimeInterval = 5 * 60

    /// The accounts whose access token expires within ``margin`` of `now`: every account that can still serve
    /// (ready, cooling included); never one that needs a login or is disabled, and never one whose expiry is unknown.
    public static func due(in accounts: [Account], now: Date) -> [AccountID] {
        accounts.compactMap { account in
            guard case .ready = account.status, let expiry = account.accessTokenExpiresAt,
                expiry.timeIntervalSince(now) <= margin
            else { return nil }
            return account.id
        }
    }
}
