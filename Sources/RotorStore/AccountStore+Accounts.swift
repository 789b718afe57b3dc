import Foundation
import GRDB
public import RotorCore

extension AccountStore {
    /// Every account with its cooldown and usage, oldest first, in one query. Tokens are not part of it.
    public func accounts() throws -> [Account] {
        try read { db in try AccountSummaryQuery.all(db) }
    }

    /// The same as ``accounts()``, from a copy kept while the database is unchanged (the proxy's read before every
    /// step of a request): one statement when nothing changed since the last call.
    public func currentAccounts() throws -> [Account] {
        guard let snapshot else { return try accounts() }
        return try translatingErrors { try snapshot.accounts() }
    }

    /// The account with this id, if stored.
    public func account(_ id: AccountID) throws -> Account? {
        try read { db in try AccountSummaryQuery.one(id, db) }
    }

    /// The tokens of the account with this id, if stored.
    public func credentials(for id: AccountID) throws -> AccountCredentials? {
        try read { db in try AccountSummaryQuery.credentials(id, db) }
    }

    /// The account with this id and its tokens, read together (one transaction, cached statements): the token
    /// check before every attempt.
    public func login(for id: AccountID) throws -> (account: Account, credentials: AccountCredentials)? {
        try read { db in
            guard let account = try AccountSummaryQuery.one(id, db),
                let credentials = try AccountSummaryQuery.credentials(id, db)
            else { return nil }
            return (account, credentials)
        }
    }

    /// Deletes an account with its usage and conversation bindings.
    /// - Throws: ``StoreError`` `account-not-found` if it is not stored.
    public func remove(_ id: AccountID) throws {
        try write { db in
            guard try AccountRecord.deleteOne(db, key: id.rawValue) else { throw StoreError.accountNotFound(id) }
        }
    }

    /// Gives an account a new label.
    /// - Throws: ``StoreError``: `label-in-use` naming the holder, `invalid-label`, `account-not-found`.
    public func rename(_ id: AccountID, to label: String) throws {
        guard let valid = AccountLabel.validated(label) else { throw StoreError.invalidLabel(label) }
        try write { db in
            guard var record = try AccountRecord.fetchOne(db, key: id.rawValue) else {
                throw StoreError.accountNotFound(id)
            }
            guard record.label != valid else { return }
            try Self.ensureLabelIsFree(valid, db)
            record.label = valid
            try record.update(db)
        }
    }

    /// Sets an account's persistent state (`ready`, `needs-login`, `disabled`) and its reason.
    /// - Throws: ``StoreError`` `account-not-found` if it is not stored.
    public func setStatus(_ status: AccountStatus, for id: AccountID) throws {
        try write { db in
            try Self.setStatus(status, for: id, in: db)
        }
    }

    static func setStatus(_ status: AccountStatus, for id: AccountID, in db: Database) throws {
        try updateExisting(id, db) { record in
            record.status = status.name
            record.statusReason = status.reason
        }
    }

    /// Loads a row, lets `change` edit it and saves it; throws `account-not-found` if there is no such row.
    @discardableResult
    static func updateExisting(
        _ id: AccountID,
        _ db: Database,
        _ change: (inout AccountRecord) throws -> Void
    ) throws -> AccountRecord {
        guard var record = try AccountRecord.fetchOne(db, key: id.rawValue) else {
            throw StoreError.accountNotFound(id)
        }
        try change(&record)
        try record.update(db)
        return record
    }

    func require(_ id: AccountID?, _ db: Database) throws -> Account {
        guard let id, let account = try AccountSummaryQuery.one(id, db) else {
            throw StoreError.databaseUnusable(databaseURL, reason: "a stored account has no valid id")
        }
        return account
    }

    static func ensureLabelIsFree(_ label: String, _ db: Database) throws {
        let holder = try AccountRecord.filter(AccountRecord.CodingKeys.label == label).fetchOne(db)
        if let holder, let account = holder.account(usage: nil) {
            throw StoreError.labelInUse(label, holder: account)
        }
    }
}
