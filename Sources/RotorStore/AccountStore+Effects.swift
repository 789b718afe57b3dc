public import Foundation
import GRDB
public import RotorCore

extension AccountStore {
    /// Records what routing learned from one attempt (cooldowns, statuses, successes, usage, conversation bindings)
    /// in one write transaction: the proxy's hot path pays for one commit, not one per effect.
    ///
    /// An effect on an account removed meanwhile is dropped: there is nothing left to record it on, and the request
    /// it came from must not fail for it.
    public func apply(_ effects: [RequestRouting.Effect], now: Date, conversationTTL: Duration) throws {
        guard !effects.isEmpty else { return }
        try write { db in
            for effect in effects {
                do {
                    try Self.apply(effect, now: now, conversationTTL: conversationTTL, in: db)
                } catch let error as StoreError where error.code == .accountNotFound {
                    continue
                }
            }
        }
    }

    private static func apply(
        _ effect: RequestRouting.Effect,
        now: Date,
        conversationTTL: Duration,
        in db: Database
    ) throws {
        switch effect {
        case .cooldown(let id, let cooldown, let failures):
            try recordCooldown(cooldown, consecutiveFailures: failures, for: id, now: now, in: db)
        case .status(let id, let status):
            try setStatus(status, for: id, in: db)
        case .success(let id, let at):
            try recordSuccess(for: id, at: at, in: db)
        case .usage(let id, let snapshot):
            try recordUsage(snapshot, for: id, in: db)
        case .bind(let key, let id):
            try bindConversation(key, to: id, now: now, ttl: conversationTTL, in: db)
        }
    }
}
