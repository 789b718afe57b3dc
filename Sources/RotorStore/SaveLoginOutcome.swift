public import RotorCore

/// What ``AccountStore/saveLogin(_:replacing:)`` did with a login.
public enum SaveLoginOutcome: Hashable, Sendable {
    /// The identity was new: a new account was stored.
    case added(Account)
    /// The identity was already stored: its tokens (and plan) were replaced, and a `needs-login` state cleared.
    case updated(Account)
    /// The stored login holds the same refresh token: nothing changed.
    case unchanged(Account)
    /// The stored login is newer (its access token expires later): it was kept, the arriving one dropped.
    case kept(Account)

    /// The stored account, whichever happened.
    public var account: Account {
        switch self {
        case .added(let account), .updated(let account), .unchanged(let account), .kept(let account): account
        }
    }
}

/// When a login replaces the stored login of the same account.
public enum LoginReplacement: Hashable, Sendable {
    /// Always: a fresh browser or device login, whose tokens were minted just now.
    case always
    /// Only when it is newer (``LoginRecency``): an imported file or recovered tokens, which may be older than what
    /// rotor has refreshed since.
    case whenNewer
}
