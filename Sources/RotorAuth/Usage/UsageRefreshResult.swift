import RotorCore

/// How one account's usage refresh ended.
public enum UsageRefreshResult: Hashable, Sendable {
    /// The usage endpoint answered; its snapshot (source ``UsageSource/refresh``) is stored like any other.
    case refreshed(UsageSnapshot)
    /// The account's usage could not be had: `reason` is one line for the user (it never contains a token). The
    /// store still holds the account's last known snapshot.
    case failed(reason: String)
}
