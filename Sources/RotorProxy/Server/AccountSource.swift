import Foundation
import RotorCore

/// Where the proxy reads accounts and their credentials, per request (`AccountStore` in production).
public protocol AccountSource: Sendable {
    /// Every account with its cooldown and usage, oldest first.
    func accounts() throws -> [Account]
    /// The credentials of `id`, if stored.
    func credentials(for id: AccountID) throws -> AccountCredentials?
}

/// The interim account choice of the proxy issue: the pinned account if any, else the first `ready` account
/// (oldest first) without an active cooldown. The rotation-policy issue replaces it with its selection.
enum FirstReadyAccount {
    static func choose(from accounts: [Account], pinned: AccountID?, now: Date) -> Account? {
        accounts.first { account in
            account.status == .ready && account.activeCooldown(at: now) == nil && (pinned == nil || account.id == pinned)
        }
    }
}
