public import RotorCore

/// What ``AccountStore/saveLogin(_:)`` did with a login.
public enum SaveLoginOutcome: Hashable, Sendable {
    /// The identity was new: a new account was stored.
    case added(Account)
    /// The identity was already stored: its tokens (and plan) were replaced, and a `needs-login` state cleared.
    case updated(Account)

    /// The stored account, whichever happened.
    public var account: Account {
        switch self {
        case .added(let account), .updated(let account): account
        }
    }
}
