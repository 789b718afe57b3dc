public import Foundation
import GRDB
public import RotorCore

extension AccountStore {
    /// How long the usage ledger keeps a request's tokens.
    public static let usageLedgerRetention: TimeInterval = 400 * 86_400

    /// One completed request in the usage ledger.
    public struct LedgerEntry: Sendable, Hashable {
        /// When the request completed.
        public var time: Date
        /// The account that served it (it may have been removed since).
        public var accountID: AccountID
        /// The model that served it, if known.
        public var model: String?
        /// Its token counts (unknown counts are 0).
        public var tokens: TokenCounts

        /// Creates an entry.
        public init(time: Date, accountID: AccountID, model: String?, tokens: TokenCounts) {
            self.time = time
            self.accountID = accountID
            self.model = model
            self.tokens = tokens
        }
    }

    /// The ledger's entries from `start` on, oldest first.
    public func ledger(since start: Date) throws -> [LedgerEntry] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT time, account_id, model, input_tokens, cached_input_tokens, output_tokens, reasoning_tokens
                    FROM usage_ledger WHERE time >= ? ORDER BY time, id
                    """,
                arguments: [start.timeIntervalSince1970]
            ).compactMap { row in
                guard let id = AccountID(row["account_id"] as String) else { return nil }
                return LedgerEntry(
                    time: Date(timeIntervalSince1970: row["time"]), accountID: id, model: row["model"],
                    tokens: TokenCounts(inputTokens: row["input_tokens"], cachedInputTokens: row["cached_input_tokens"],
                                        outputTokens: row["output_tokens"], reasoningTokens: row["reasoning_tokens"],
                                        model: row["model"]))
            }
        }
    }

    /// Adds one completed request's tokens to the ledger and drops entries older than the retention.
    static func recordTokens(_ tokens: TokenCounts, for id: AccountID, at time: Date, in db: Database) throws {
        try db.cachedStatement(sql: """
                INSERT INTO usage_ledger (time, account_id, model, input_tokens, cached_input_tokens, output_tokens,
                                          reasoning_tokens)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """)
            .execute(arguments: [
                time.timeIntervalSince1970, id.rawValue, tokens.model, tokens.inputTokens ?? 0,
                tokens.cachedInputTokens ?? 0, tokens.outputTokens ?? 0, tokens.reasoningTokens ?? 0,
            ])
        try db.cachedStatement(sql: "DELETE FROM usage_ledger WHERE time < ?")
            .execute(arguments: [time.timeIntervalSince1970 - usageLedgerRetention])
    }
}
