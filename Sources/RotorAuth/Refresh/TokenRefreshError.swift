import RotorCore

/// Why ``TokenRefresher`` could not provide usable credentials.
public enum TokenRefreshError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The refresh token is dead (reused, expired, revoked), or the account already needs a login. The refresher
    /// does not store it: the caller records ``RequestRouting/Effect/loginRefused(_:reason:refused:)`` (marked
    /// only while the store holds `refused`), and this refresher never sends `refused` again.
    case needsLogin(reason: String, refused: RefusedRefreshToken)
    /// The refresh failed for a reason that may pass (network, a 5xx, a lock held too long); try again later.
    case transient(String)

    public var description: String {
        switch self {
        case .needsLogin(let reason, _): "the account needs a new login (\(reason)); run `rotor accounts add`"
        case .transient(let reason): "the token refresh failed (\(reason)); it is tried again on the next request"
        }
    }
}
