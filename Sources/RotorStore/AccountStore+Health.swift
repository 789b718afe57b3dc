public import Foundation
import GRDB
public import RotorCore

extension AccountStore {
    /// Clears the cooldowns, consecutive failures and usage snapshots of the given accounts (`nil`: every
    /// account), so that they are tried again at once. Ids that are not stored are ignored.
    ///
    /// The usage snapshot goes too: an exhausted window whose reset time is wrong would otherwise keep the
    /// account out just like the cooldown did; the next response reports fresh windows.
    public func clearCooldowns(_ ids: [AccountID]?) throws {
        try write { db in
            let accounts: QueryInterfaceRequest<AccountRecord>
            let usage: QueryInterfaceRequest<UsageSnapshotRecord>
            if let ids {
                let keys = ids.map(\.rawValue)
                accounts = AccountRecord.filter(keys: keys)
                usage = UsageSnapshotRecord.filter(keys.contains(UsageSnapshotRecord.CodingKeys.accountID))
            } else {
                accounts = AccountRecord.all()
                usage = UsageSnapshotRecord.all()
            }
            try accounts.updateAll(
                db,
                AccountRecord.CodingKeys.cooldownUntil.set(to: nil),
                AccountRecord.CodingKeys.cooldownReason.set(to: nil),
                AccountRecord.CodingKeys.consecutiveFailures.set(to: 0)
            )
            try usage.deleteAll(db)
        }
    }

    /// Records a cooldown, merged with any stored one in the same transaction (``Cooldown/merging(existing:new:now:)``:
    /// a later stored deadline is never shortened), and the account's consecutive failures.
    /// - Returns: The cooldown that stands.
    /// - Throws: ``StoreError`` `account-not-found` if the account was removed meanwhile.
    @discardableResult
    public func recordCooldown(
        _ cooldown: Cooldown,
        consecutiveFailures: Int,
        for id: AccountID,
        now: Date
    ) throws -> Cooldown {
        try write { db in
            try Self.recordCooldown(cooldown, consecutiveFailures: consecutiveFailures, for: id, now: now, in: db)
        }
    }

    @discardableResult
    static func recordCooldown(
        _ cooldown: Cooldown,
        consecutiveFailures: Int,
        for id: AccountID,
        now: Date,
        in db: Database
    ) throws -> Cooldown {
        let record = try updateExisting(id, db) { record in
            record.cooldown = Cooldown.merging(existing: record.cooldown, new: cooldown, now: now)
            record.consecutiveFailures = max(0, consecutiveFailures)
        }
        return record.cooldown ?? cooldown
    }

    /// Records a request served by the account: consecutive failures back to 0, `last_used_at = at`.
    /// - Throws: ``StoreError`` `account-not-found` if the account was removed meanwhile.
    public func recordSuccess(for id: AccountID, at date: Date) throws {
        try write { db in try Self.recordSuccess(for: id, at: date, in: db) }
    }

    static func recordSuccess(for id: AccountID, at date: Date, in db: Database) throws {
        try updateExisting(id, db) { record in
            record.consecutiveFailures = 0
            record.lastUsedAt = date
        }
    }

    /// Stores the account's latest usage windows, unless a newer snapshot is already stored, and appends them to
    /// the usage history when they changed (``usageHistory(since:)``). `plan`, when the source reported one,
    /// replaces the account's stored plan.
    /// - Throws: ``StoreError`` `account-not-found` if the account was removed meanwhile.
    public func recordUsage(_ snapshot: UsageSnapshot, plan: String? = nil, for id: AccountID) throws {
        try write { db in try Self.recordUsage(snapshot, plan: plan, for: id, in: db) }
    }

    static func recordUsage(_ snapshot: UsageSnapshot, plan: String? = nil, for id: AccountID, in db: Database) throws {
        guard let account = try Row.fetchOne(db.cachedStatement(sql: "SELECT plan FROM account WHERE id = ?"),
                                             arguments: [id.rawValue])
        else { throw StoreError.accountNotFound(id) }
        let stored = try UsageSnapshotRecord.fetchOne(db, key: id.rawValue)
        if let stored, stored.observedAt > snapshot.observedAt { return }
        let storedPlan: String? = account["plan"]
        if let plan, plan != storedPlan {
            try db.cachedStatement(sql: "UPDATE account SET plan = ? WHERE id = ?").execute(arguments: [plan, id.rawValue])
        }
        try UsageSnapshotRecord(snapshot, for: id).save(db)
        // The stored snapshot has the windows of the history's latest entry, so the usual case (nothing changed)
        // costs no read of the history; a new account, or one whose snapshot `accounts reset` dropped, asks it.
        if let stored, stored.snapshot.hasSameWindows(as: snapshot) { return }
        try appendUsageHistory(snapshot, plan: plan ?? storedPlan, for: id, in: db)
    }
}
