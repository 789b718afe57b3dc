import Foundation
import RotorAuth
import RotorCore
import RotorStore

/// The production ``AccountSource``: the shared SQLite store, with tokens refreshed through ``TokenRefresher``
/// (single-flight within and across processes).
struct StoreAccountSource: AccountSource {
    let store: AccountStore
    let refresher: TokenRefresher

    func accounts() throws -> [Account] {
        try store.accounts()
    }

    func credentials(for id: AccountID) throws -> AccountCredentials? {
        try store.credentials(for: id)
    }

    func usableCredentials(for id: AccountID, rejectedAccessToken: String?, now: Date) async throws -> AccountCredentials {
        let trigger = rejectedAccessToken.map { TokenRefresher.Trigger.unauthorized(rejectedAccessToken: $0) }
        return try await refresher.credentials(for: id, trigger: trigger, now: now)
    }

    func apply(_ effects: [RequestRouting.Effect], now: Date) throws {
        try store.apply(effects, now: now, conversationTTL: ConversationAffinity.timeToLive)
    }

    func boundAccount(forConversation key: String, now: Date) throws -> AccountID? {
        try store.boundAccount(forConversation: key, now: now)
    }

    func bindConversation(_ key: String, to id: AccountID, now: Date, ttl: Duration) throws {
        try store.bindConversation(key, to: id, now: now, ttl: ttl)
    }

    func recordDecisions(_ records: [DecisionRecord]) throws {
        try store.appendDecisions(records)
    }
}
