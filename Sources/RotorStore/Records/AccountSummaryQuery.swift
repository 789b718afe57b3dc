import Foundation
import GRDB
import RotorCore

/// The reads the proxy runs before every request: accounts joined with their usage, without the token columns,
/// decoded by column position; and, apart, one account's tokens.
///
/// Hand-decoded rather than through `Codable` records: at 100 accounts the Codable path (tokens included) cost
/// several times more than this query (see `bench/store`).
enum AccountSummaryQuery {
    private static let select = """
        SELECT a.id, a.label, a.email, a.chatgpt_account_id, a.plan, a.access_token_expires_at,
               a.status, a.status_reason, a.cooldown_until, a.cooldown_reason, a.consecutive_failures,
               a.last_used_at, a.created_at,
               u.observed_at, u.primary_used_percent, u.primary_window_minutes, u.primary_resets_at,
               u.secondary_used_percent, u.secondary_window_minutes, u.secondary_resets_at, u.source
        FROM account a LEFT JOIN usage_snapshot u ON u.account_id = a.id
        """

    /// Every account, oldest first.
    static func all(_ db: Database) throws -> [Account] {
        try Array(Row.fetchCursor(db.cachedStatement(sql: select + " ORDER BY a.created_at, a.rowid"))
            .compactMap(account(from:)))
    }

    /// The account with this id, if stored. The statement is cached: the token refresher reads one account before
    /// every attempt, and parsing the join again each time cost more than running it.
    static func one(_ id: AccountID, _ db: Database) throws -> Account? {
        try Row.fetchOne(db.cachedStatement(sql: select + " WHERE a.id = ?"), arguments: [id.rawValue])
            .flatMap(account(from:))
    }

    /// The tokens of the account with this id, if stored, from a cached statement decoded by column position (the
    /// `Codable` record read prepared its query anew on every call, before every attempt).
    static func credentials(_ id: AccountID, _ db: Database) throws -> AccountCredentials? {
        let sql = "SELECT id_token, access_token, refresh_token, last_refresh FROM account WHERE id = ?"
        return try Row.fetchOne(db.cachedStatement(sql: sql), arguments: [id.rawValue]).map { row in
            AccountCredentials(idToken: row[0], accessToken: row[1], refreshToken: row[2], lastRefresh: date(row[3]))
        }
    }

    /// `nil` for a row whose id is not a UUID (never written by rotor).
    private static func account(from row: Row) -> Account? {
        guard let id = AccountID(row[0] as String) else { return nil }
        let cooldown = (row[8] as Double?).map { until in
            Cooldown(
                until: Date(timeIntervalSince1970: until),
                reason: (row[9] as String?).flatMap(CooldownReason.init(rawValue:)) ?? .rateLimit
            )
        }
        let usage = (row[13] as Double?).map { observedAt in
            UsageSnapshot(
                primary: window(row, percent: 14),
                secondary: window(row, percent: 17),
                observedAt: Date(timeIntervalSince1970: observedAt),
                source: UsageSource(storedName: row[20])
            )
        }
        return Account(
            id: id,
            label: row[1],
            email: row[2],
            chatgptAccountID: row[3],
            plan: row[4],
            status: AccountStatus(name: row[6], reason: row[7]),
            cooldown: cooldown,
            consecutiveFailures: row[10],
            lastUsedAt: date(row[11]),
            accessTokenExpiresAt: date(row[5]),
            usage: usage,
            createdAt: Date(timeIntervalSince1970: row[12])
        )
    }

    /// The window whose used percentage is at column `percent`, followed by its length and reset time.
    private static func window(_ row: Row, percent: Int) -> UsageWindow? {
        (row[percent] as Double?).map { used in
            UsageWindow(usedPercent: used, windowMinutes: row[percent + 1], resetsAt: date(row[percent + 2]))
        }
    }

    private static func date(_ seconds: Double?) -> Date? {
        seconds.map { Date(timeIntervalSince1970: $0) }
    }
}
