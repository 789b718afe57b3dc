public import Foundation
public import RotorCore

extension RequestRouting {
    /// For tests that keep the pool in memory: applies `effects` to the accounts they name, as the store does in one
    /// transaction: a failure adds one to the
    /// count and takes ``CooldownPolicy``'s cooldown from the new count (merged, never shortened); a success resets
    /// the count only if it still holds what the request read. Bindings and token usage are not part of an account and
    /// are skipped;
    /// a refused login marks the account (the tokens, which the store compares, are not part of an account either, so
    /// the store's compare-and-set is not modelled: `AccountStoreTests` covers it).
    ///
    /// - Returns: The cooldown each failure set, for the decision rows (``DecisionRecord/noting(_:)``).
    @discardableResult
    public static func apply(
        _ effects: [Effect],
        to accounts: inout [Account],
        now: Date,
        using generator: inout some RandomNumberGenerator
    ) -> [AccountID: CooldownPolicy.Decision] {
        var cooldowns: [AccountID: CooldownPolicy.Decision] = [:]
        for effect in effects {
            switch effect {
            case .failure(let id, let failure):
                guard let index = accounts.firstIndex(where: { $0.id == id }) else { continue }
                let (count, decision) = CooldownPolicy.recordFailure(
                    failure, after: accounts[index].consecutiveFailures, existing: accounts[index].cooldown, now: now,
                    using: &generator)
                accounts[index].consecutiveFailures = count
                accounts[index].cooldown = decision.cooldown
                cooldowns[id] = decision
            case .status(let id, let status):
                guard let index = accounts.firstIndex(where: { $0.id == id }) else { continue }
                accounts[index].status = status
            case .loginRefused(let id, let reason, _):
                guard let index = accounts.firstIndex(where: { $0.id == id }) else { continue }
                accounts[index].status = .needsLogin(reason: reason)
            case .success(let id, let at, let sawFailures):
                guard let index = accounts.firstIndex(where: { $0.id == id }) else { continue }
                if accounts[index].consecutiveFailures == sawFailures { accounts[index].consecutiveFailures = 0 }
                accounts[index].lastUsedAt = at
            case .usage(let id, let snapshot):
                guard let index = accounts.firstIndex(where: { $0.id == id }) else { continue }
                if accounts[index].usage.map({ $0.observedAt <= snapshot.observedAt }) ?? true {
                    accounts[index].usage = snapshot
                }
            case .bindConversation, .bindTurnState, .tokensUsed:
                continue
            }
        }
        return cooldowns
    }
}
