import Foundation
import RotorCore

/// Where the proxy reads accounts and records what it learned, per request (``StoreAccountSource`` in production).
///
/// Every member is read or written per request, never cached across requests, so that a cooldown one rotor process
/// learned steers the very next request of every other one.
public protocol AccountSource: Sendable {
    /// Every account with its cooldown and usage, oldest first.
    func accounts() throws -> [Account]
    /// The stored credentials of `id`, if any (no refresh).
    func credentials(for id: AccountID) throws -> AccountCredentials?
    /// Credentials to send now: refreshed first when the access token expires soon, or when `rejectedAccessToken`
    /// was refused upstream and is still the stored one.
    ///
    /// - Throws: `TokenRefreshError.needsLogin` when the login is dead (already stored), anything else when the
    ///   refresh failed for now.
    func usableCredentials(for id: AccountID, rejectedAccessToken: String?, now: Date) async throws -> AccountCredentials
    /// Records what routing learned (cooldowns, statuses, successes, usage, conversation bindings).
    func apply(_ effects: [RequestRouting.Effect], now: Date) throws
    /// The account a conversation (or a turn state, keyed by its hash) is bound to, if the binding is live.
    func boundAccount(forConversation key: String, now: Date) throws -> AccountID?
    /// Binds a conversation key (or a turn-state hash) to `id` for `ttl`.
    func bindConversation(_ key: String, to id: AccountID, now: Date, ttl: Duration) throws
    /// Appends attempts to the decision log.
    func recordDecisions(_ records: [DecisionRecord]) throws
}
