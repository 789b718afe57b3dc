import Foundation
import RotorAuth
import RotorCore
@testable import RotorProxy
import RotorStore

/// The production account source (the store, with real token refreshes) that tells `willAttempt` which account
/// rotor is about to send on: rotor asks for an account's credentials right before each attempt on it, so a test can
/// change the upstream between one account's attempt and the next's.
struct AttemptObservingAccounts: AccountSource {
    private let base: StoreAccountSource
    private let willAttempt: @Sendable (AccountID) async throws -> Void

    /// The production source over `store`, refreshing with `refresher`, reporting each attempt to `willAttempt`.
    init(store: AccountStore, refresher: TokenRefresher, willAttempt: @escaping @Sendable (AccountID) async throws -> Void) {
        self.base = StoreAccountSource(store: store, refresher: refresher)
        self.willAttempt = willAttempt
    }

    func accounts() throws -> [Account] {
        try base.accounts()
    }

    func credentials(for id: AccountID) throws -> AccountCredentials? {
        try base.credentials(for: id)
    }

    /// Calls `willAttempt` first, unless this is the refresh after a 401 (a `rejectedAccessToken`), which
    /// precedes a retry on the same account rather than an attempt on another.
    func usableCredentials(for id: AccountID, rejectedAccessToken: String?, now: Date) async throws -> AccountCredentials {
        if rejectedAccessToken == nil { try await willAttempt(id) }
        return try await base.usableCredentials(for: id, rejectedAccessToken: rejectedAccessToken, now: now)
    }

    func boundAccount(forConversation key: String, now: Date) throws -> AccountID? {
        try base.boundAccount(forConversation: key, now: now)
    }

    func record(_ effects: [RequestRouting.Effect], decisions: [DecisionRecord], now: Date) throws {
        try base.record(effects, decisions: decisions, now: now)
    }
}
