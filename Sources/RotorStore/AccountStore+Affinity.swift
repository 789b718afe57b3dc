public import Foundation
import GRDB
public import RotorCore

extension AccountStore {
    /// The account a conversation is bound to, if the binding has not expired at `now` and the account is stored.
    ///
    /// `key` is whatever identifies the conversation to the caller; pass a hash if the raw key is sensitive.
    public func boundAccount(forConversation key: String, now: Date) throws -> AccountID? {
        try read { db in
            let accountID = try String.fetchOne(
                db.cachedStatement(
                    sql: "SELECT account_id FROM conversation_affinity WHERE conversation_key = ? AND expires_at > ?"),
                arguments: [key, now.timeIntervalSince1970]
            )
            return accountID.flatMap { AccountID($0) }
        }
    }

    /// Binds a conversation to an account until `now + ttl`, replacing any earlier binding, and drops expired
    /// bindings. Removing the account removes its bindings.
    /// - Throws: ``StoreError`` `account-not-found` if the account was removed meanwhile.
    public func bindConversation(_ key: String, to id: AccountID, now: Date, ttl: Duration) throws {
        try write { db in try Self.bindConversation(key, to: id, now: now, ttl: ttl, in: db) }
    }

    static func bindConversation(_ key: String, to id: AccountID, now: Date, ttl: Duration, in db: Database) throws {
        guard try AccountRecord.exists(db, key: id.rawValue) else { throw StoreError.accountNotFound(id) }
        try db.cachedStatement(sql: "DELETE FROM conversation_affinity WHERE expires_at <= ?")
            .execute(arguments: [now.timeIntervalSince1970])
        try db.cachedStatement(sql: """
                INSERT INTO conversation_affinity (conversation_key, account_id, expires_at) VALUES (?, ?, ?)
                ON CONFLICT (conversation_key) DO UPDATE SET
                    account_id = excluded.account_id, expires_at = excluded.expires_at
                """)
            .execute(arguments: [key, id.rawValue, now.addingTimeInterval(ttl.timeInterval).timeIntervalSince1970])
    }
}
