/// Why ``TokenRefresher`` could not provide usable credentials.
public enum TokenRefreshError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The refresh token is dead (reused, expired, revoked) or the account already needs a login. The account's
    /// status is already stored as `needs-login` with this reason; nothing retries it until `rotor accounts add`.
    case needsLogin(reason: String)
    /// The refresh failed for a reason that may pass (network, a 5xx, a lock held too long); try again later.
    case transient(String)

    public var description: String {
        switch self {
        case .needsLogin(let reason): "the account needs a new login (\(reason)); run `rotor accounts add`"
        case .transient(let reason): "the token refresh failed (\(reason)); it is tried again on the next request"
        }
    }
}
