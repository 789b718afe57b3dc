public import Foundation
import GRDB
public import RotorCore

extension AccountStore {
    /// How long the bindings routing makes stay live.
    public struct AffinityLifetimes: Sendable, Hashable {
        /// A conversation's binding to the account that serves it.
        public var conversation: Duration
        /// A turn state's binding to the account that minted it.
        public var turnState: Duration

        /// Creates lifetimes.
        public init(conversation: Duration, turnState: Duration) {
            self.conversation = conversation
            self.turnState = turnState
        }
    }

    /// Records what routing decided for one event of a request — its effects (failures, statuses, successes,
    /// usage, bindings) and its decision rows — in one write transaction: the proxy pays for one commit per event,
    /// and a reader never sees a cooldown without the row that explains it.
    ///
    /// A failure adds one to the account's count in SQL and takes its cooldown from ``CooldownPolicy`` with the
    /// count read in this transaction, so simultaneous failures in several requests or processes all count; the
    /// rows of that account note the cooldown that stands. A success resets the count only if it still holds the
    /// value that request read. An effect on an account removed meanwhile is dropped: there is nothing left to
    /// record it on, and the request it came from must not fail for it.
    public func record(
        _ effects: [RequestRouting.Effect],
        decisions: [DecisionRecord],
        now: Date,
        affinity: AffinityLifetimes,
        using generator: inout some RandomNumberGenerator
    ) throws {
        guard !effects.isEmpty || !decisions.isEmpty else { return }
        let retention = configuration.decisionRetention
        try write { db in
            var cooldowns: [AccountID: CooldownPolicy.Decision] = [:]
            for effect in effects {
                do {
                    switch effect {
                    case .failure(let id, let failure):
                        cooldowns[id] = try Self.recordFailure(failure, for: id, now: now, using: &generator, in: db)
                    case .status(let id, let status):
                        try Self.setStatus(status, for: id, in: db)
                    case .loginRefused(let id, let reason, let refused):
                        try Self.markNeedsLogin(reason: reason, for: id, refused: refused, in: db)
                    case .success(let id, let at, let sawFailures):
                        try Self.recordSuccess(for: id, at: at, sawFailures: sawFailures, in: db)
                    case .usage(let id, let snapshot):
                        try Self.recordUsage(snapshot, for: id, in: db)
                    case .bindConversation(let key, let id):
                        try Self.bindConversation(key, to: id, now: now, ttl: affinity.conversation, in: db)
                    case .bindTurnState(let key, let id):
                        try Self.bindConversation(key, to: id, now: now, ttl: affinity.turnState, in: db)
                    case .tokensUsed(let id, let tokens, let at):
                        try Self.recordTokens(tokens, for: id, at: at, in: db)
                    }
                } catch let error as StoreError where error.code == .accountNotFound {
                    continue
                }
            }
            let rows = decisions.map { record in
                record.accountID.flatMap { cooldowns[$0] }.map(record.noting) ?? record
            }
            try Self.insertDecisions(rows, retention: retention, in: db)
        }
    }

    /// One more failure, counted in SQL, and the cooldown ``CooldownPolicy`` gives with the count read back.
    private static func recordFailure(
        _ failure: AccountFailure,
        for id: AccountID,
        now: Date,
        using generator: inout some RandomNumberGenerator,
        in db: Database
    ) throws -> CooldownPolicy.Decision {
        // Read back in the same transaction rather than with `RETURNING`, which SQLite before 3.35 lacks.
        try db.cachedStatement(sql: "UPDATE account SET consecutive_failures = consecutive_failures + 1 WHERE id = ?")
            .execute(arguments: [id.rawValue])
        guard db.changesCount > 0,
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: "SELECT consecutive_failures, cooldown_until, cooldown_reason FROM account WHERE id = ?"),
                arguments: [id.rawValue])
        else { throw StoreError.accountNotFound(id) }
        let count: Int = row["consecutive_failures"]
        let existing = Cooldown(until: row["cooldown_until"], reason: row["cooldown_reason"])
        let (_, decision) = CooldownPolicy.recordFailure(failure, after: count - 1, existing: existing, now: now,
                                                         using: &generator)
        try db.cachedStatement(sql: "UPDATE account SET cooldown_until = ?, cooldown_reason = ? WHERE id = ?")
            .execute(arguments: [decision.cooldown.until.timeIntervalSince1970, decision.cooldown.reason.rawValue,
                                 id.rawValue])
        return decision
    }

    /// Last used `at`; the count back to 0 only if it is still `sawFailures` (compare-and-set).
    private static func recordSuccess(for id: AccountID, at date: Date, sawFailures: Int, in db: Database) throws {
        try db.cachedStatement(sql: """
                UPDATE account SET last_used_at = ?,
                    consecutive_failures = CASE WHEN consecutive_failures = ? THEN 0 ELSE consecutive_failures END
                WHERE id = ?
                """)
            .execute(arguments: [date.timeIntervalSince1970, sawFailures, id.rawValue])
        guard db.changesCount > 0 else { throw StoreError.accountNotFound(id) }
    }
}

extension Cooldown {
    /// The cooldown stored in a row's `cooldown_until` and `cooldown_reason`, if both are set and known.
    init?(until: Double?, reason: String?) {
        guard let until, let reason = reason.flatMap(CooldownReason.init(rawValue:)) else { return nil }
        self.init(until: Date(timeIntervalSince1970: until), reason: reason)
    }
}
