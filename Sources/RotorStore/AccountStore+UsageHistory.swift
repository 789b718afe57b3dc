public import Foundation
import GRDB
public import RotorCore

extension AccountStore {
    /// How long the usage history keeps a snapshot.
    public static let usageHistoryRetention: TimeInterval = 30 * 86_400

    /// One snapshot in an account's usage history (defined in RotorCore, where a policy simulation reads it).
    public typealias UsageHistoryEntry = RotorCore.UsageHistoryEntry

    /// The history of one account's usage from `start` on, oldest first.
    public func usageHistory(for id: AccountID, since start: Date) throws -> [UsageHistoryEntry] {
        try read { db in
            try Self.history(
                db, where: "account_id = ? AND observed_at >= ?", [id.rawValue, start.timeIntervalSince1970])
        }
    }

    /// The history of every account's usage from `start` on, oldest first.
    public func usageHistory(since start: Date) throws -> [UsageHistoryEntry] {
        try read { db in try Self.history(db, where: "observed_at >= ?", [start.timeIntervalSince1970]) }
    }

    private static func history(
        _ db: Database,
        where condition: String,
        _ arguments: StatementArguments
    ) throws -> [UsageHistoryEntry] {
        try Row.fetchAll(db, sql: historySelect + " WHERE \(condition) ORDER BY observed_at, id", arguments: arguments)
            .compactMap(historyEntry(from:))
    }

    /// Appends `snapshot` to the account's history unless it shows the same windows as the account's latest entry
    /// (``UsageSnapshot/hasSameWindows(as:)``) or is older than it, and drops entries past the retention.
    static func appendUsageHistory(_ snapshot: UsageSnapshot, plan: String?, for id: AccountID, in db: Database) throws {
        let latest = try Row.fetchOne(
            db.cachedStatement(sql: historySelect + " WHERE account_id = ? ORDER BY observed_at DESC, id DESC LIMIT 1"),
            arguments: [id.rawValue]
        ).flatMap(historyEntry(from:))
        if let latest, latest.usage.observedAt > snapshot.observedAt || latest.usage.hasSameWindows(as: snapshot) {
            return
        }
        try db.cachedStatement(sql: """
                INSERT INTO usage_history (account_id, observed_at, source, plan,
                    primary_used_percent, primary_window_minutes, primary_resets_at,
                    secondary_used_percent, secondary_window_minutes, secondary_resets_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            .execute(arguments: [
                id.rawValue, snapshot.observedAt.timeIntervalSince1970, snapshot.source.rawValue, plan,
                snapshot.primary?.usedPercent, snapshot.primary?.windowMinutes,
                snapshot.primary?.resetsAt?.timeIntervalSince1970,
                snapshot.secondary?.usedPercent, snapshot.secondary?.windowMinutes,
                snapshot.secondary?.resetsAt?.timeIntervalSince1970,
            ])
        try db.cachedStatement(sql: "DELETE FROM usage_history WHERE observed_at < ?")
            .execute(arguments: [snapshot.observedAt.timeIntervalSince1970 - usageHistoryRetention])
    }

    private static let historySelect = """
        SELECT account_id, observed_at, source, plan,
               primary_used_percent, primary_window_minutes, primary_resets_at,
               secondary_used_percent, secondary_window_minutes, secondary_resets_at
        FROM usage_history
        """

    /// `nil` for a row whose account id is not a UUID (never written by rotor).
    private static func historyEntry(from row: Row) -> UsageHistoryEntry? {
        guard let id = AccountID(row[0] as String) else { return nil }
        func window(percent column: Int) -> UsageWindow? {
            (row[column] as Double?).map { used in
                UsageWindow(usedPercent: used, windowMinutes: row[column + 1],
                            resetsAt: (row[column + 2] as Double?).map { Date(timeIntervalSince1970: $0) })
            }
        }
        let usage = UsageSnapshot(
            primary: window(percent: 4), secondary: window(percent: 7),
            observedAt: Date(timeIntervalSince1970: row[1]), source: UsageSource(storedName: row[2]))
        return UsageHistoryEntry(accountID: id, usage: usage, plan: row[3])
    }
}
