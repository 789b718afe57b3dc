#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// How a login that arrives from elsewhere (an imported auth.json, a recovered refresh) compares with the stored
/// login of the same account.
///
/// Refresh tokens are single-use: storing an older login over a newer one stores a spent refresh token, and the next
/// refresh logs the account out. Of two logins of one account the newer is the one whose access token expires later;
/// an unknown expiry counts as the oldest.
public enum LoginRecency: Hashable, Sendable {
    /// Both hold the same refresh token: there is nothing to store.
    case unchanged
    /// The stored login is newer: keep it.
    case storedIsNewer
    /// The arriving login is as new or newer: store it.
    case arrivingIsNewer

    /// Compares the arriving login with the stored one.
    public init(
        stored: AccountCredentials,
        storedExpiresAt: Date?,
        arriving: AccountCredentials,
        arrivingExpiresAt: Date?
    ) {
        if stored.refreshToken == arriving.refreshToken {
            self = .unchanged
        } else if (storedExpiresAt ?? .distantPast) > (arrivingExpiresAt ?? .distantPast) {
            self = .storedIsNewer
        } else {
            self = .arrivingIsNewer
        }
    }
}
