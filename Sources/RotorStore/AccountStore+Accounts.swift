import Foundation
import GRDB
public import RotorCore

extension AccountStore {
    /// Every account with its cooldown and usage, oldest first, in one query. Tokens are not part of it.
    public func accounts() throws -> [Account] {
        try read { db in try AccountSummaryQuery.all(db) }
    }

    /// The account with this id, if stored.
    public func account(_ id: AccountID) throws -> Account? {
        try read { db in try AccountSummaryQuery.one(id, db) }
    }

    /// The tokens of the account with this id, if stored.
    public func credentials(for id: AccountID) throws -> AccountCredentials? {
        try read { db in try AccountRecord.fetchOne(db, key: id.rawValue)?.credentials }
    }

    /// Stores a login: a new account, or new tokens for the account with the same identity (ChatGPT account id
    /// and email, the email compared case-insensitively).
    ///
    /// A new account gets `login.label`, else the default label
    /// (``AccountLabel/defaultLabel(email:chatgptAccountID:taken:)``).
    /// An update keeps the label unless `login.label` names a new one, keeps cooldowns, and turns a `needs-login`
    /// account back to `ready` (its new tokens are the fix).
    /// - Throws: ``StoreError`` (`label-in-use`, `invalid-label`, database failures).
    public func saveLogin(_ login: AccountLogin) throws -> SaveLoginOutcome {
        let requestedLabel = try login.label.map { label in
            guard let valid = AccountLabel.validated(label) else { throw StoreError.invalidLabel(label) }
            return valid
        }
        return try write { db in
            let existing = try AccountRecord
                .filter(AccountRecord.CodingKeys.chatgptAccountID == login.chatgptAccountID)
                .filter(AccountRecord.CodingKeys.email == login.email)
                .fetchOne(db)
            if var record = existing {
                if let requestedLabel, requestedLabel != record.label {
                    try Self.ensureLabelIsFree(requestedLabel, db)
                    record.label = requestedLabel
                }
                record.plan = login.plan ?? record.plan
                record.setCredentials(login.credentials, accessTokenExpiresAt: login.accessTokenExpiresAt)
                if case .needsLogin = AccountStatus(name: record.status, reason: record.statusReason) {
                    record.status = AccountStatus.ready.name
                    record.statusReason = nil
                }
                try record.update(db)
                return .updated(try require(record.accountID, db))
            }
            let label: String
            if let requestedLabel {
                try Self.ensureLabelIsFree(requestedLabel, db)
                label = requestedLabel
            } else {
                let taken = try Set(String.fetchAll(db, AccountRecord.select(AccountRecord.CodingKeys.label)))
                label = AccountLabel.defaultLabel(
                    email: login.email,
                    chatgptAccountID: login.chatgptAccountID,
                    taken: taken
                )
            }
            let id = AccountID(UUID())
            try AccountRecord(id: id, label: label, login: login, createdAt: Date()).insert(db)
            return .added(try require(id, db))
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

    private func require(_ id: AccountID?, _ db: Database) throws -> Account {
        guard let id, let account = try AccountSummaryQuery.one(id, db) else {
            throw StoreError.databaseUnusable(databaseURL, reason: "a stored account has no valid id")
        }
        return account
    }

    private static func ensureLabelIsFree(_ label: String, _ db: Database) throws {
        let holder = try AccountRecord.filter(AccountRecord.CodingKeys.label == label).fetchOne(db)
        if let holder, let account = holder.account(usage: nil) {
            throw StoreError.labelInUse(label, holder: account)
        }
    }
}
