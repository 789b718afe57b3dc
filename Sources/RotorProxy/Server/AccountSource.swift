import Foundation
import RotorCore

/// Where the proxy reads accounts and records what routing decided (``StoreAccountSource`` in production).
///
/// Reads reflect every other process's writes by the next request, so that a cooldown one rotor process learned
/// steers the very next request of every other one.
public protocol AccountSource: Sendable {
    /// Every account with its cooldown and usage, oldest first.
    func accounts() throws -> [Account]
    /// The stored credentials of `id`, if any (no refresh).
    func credentials(for id: AccountID) throws -> AccountCredentials?
    /// Credentials to send now: refreshed first when the access token expires soon, or when `rejectedAccessToken`
    /// was refused upstream and is still the stored one.
    ///
    /// - Throws: `TokenRefreshError.needsLogin` when the login is dead, anything else when the refresh failed for
    ///   now.
    func usableCredentials(for id: AccountID, rejectedAccessToken: String?, now: Date) async throws -> AccountCredentials
    /// The account a conversation (or a turn state, keyed by its hash) is bound to, if the binding is live.
    func boundAccount(forConversation key: String, now: Date) throws -> AccountID?
    /// Records one event's effects and decision rows in one transaction.
    func record(_ effects: [RequestRouting.Effect], decisions: [DecisionRecord], now: Date) throws
}
