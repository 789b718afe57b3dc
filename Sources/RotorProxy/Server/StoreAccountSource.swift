import Foundation
import RotorAuth
import RotorCore
import RotorStore

/// The production ``AccountSource``: the shared SQLite store, with tokens refreshed through ``TokenRefresher``
/// (single-flight within and across processes).
struct StoreAccountSource: AccountSource {
    let store: AccountStore
    let refresher: TokenRefresher

    /// How long routing's bindings live.
    static let affinity = AccountStore.AffinityLifetimes(
        conversation: ConversationAffinity.timeToLive, turnState: ConversationAffinity.turnStateTimeToLive)

    func accounts() throws -> [Account] {
        try store.currentAccounts()
    }

    func credentials(for id: AccountID) throws -> AccountCredentials? {
        try store.credentials(for: id)
    }

    func usableCredentials(for id: AccountID, rejectedAccessToken: String?, now: Date) async throws -> AccountCredentials {
        let trigger = rejectedAccessToken.map { TokenRefresher.Trigger.unauthorized(rejectedAccessToken: $0) }
        return try await refresher.credentials(for: id, trigger: trigger, now: now)
    }

    func boundAccount(forConversation key: String, now: Date) throws -> AccountID? {
        try store.boundAccount(forConversation: key, now: now)
    }

    func record(_ effects: [RequestRouting.Effect], decisions: [DecisionRecord], now: Date) throws {
        var generator = SystemRandomNumberGenerator()
        try store.record(effects, decisions: decisions, now: now, affinity: Self.affinity, using: &generator)
    }
}
