public import Foundation
import GRDB
public import RotorCore

extension AccountStore {
    /// How long a save waits for a token refresh of the same account in another process.
    public static let loginLockWait = Duration.seconds(60)

    /// Stores a login: a new account, or new tokens for the account with the same identity (ChatGPT account id
    /// and email, the email compared case-insensitively).
    ///
    /// An existing account's tokens are written under its ``AccountLock`` (waiting up to `lockWait` for a refresh in
    /// flight; `notice` tells the user when that takes a while), and only as `replacing` allows: a fresh login always
    /// replaces them, an import or recovered tokens only when newer (``LoginRecency``). A new account gets
    /// `login.label`, else the default label (``AccountLabel/defaultLabel(email:chatgptAccountID:taken:)``). An
    /// update keeps the label unless `login.label` names a new one, keeps cooldowns, and turns a `needs-login`
    /// account back to `ready` (its new tokens are the fix). The write is durable when it returns.
    /// - Throws: ``StoreError`` (`label-in-use`, `invalid-label`, database failures), ``AccountLockError``.
    @discardableResult
    public func saveLogin(
        _ login: AccountLogin,
        replacing: LoginReplacement = .always,
        lockWait: Duration = loginLockWait,
        notice: AccountLock.SlowWaitNotice? = nil
    ) throws -> SaveLoginOutcome {
        let requestedLabel = try login.label.map { label in
            guard let valid = AccountLabel.validated(label) else { throw StoreError.invalidLabel(label) }
            return valid
        }
        // The identity is looked up, then its lock taken, then the save re-checks the identity inside its
        // transaction: an account added meanwhile by another process is saved again, this time under its lock.
        for _ in 0..<3 {
            let existing = try read { db in try Self.record(matching: login, db)?.accountID }
            let save = { () throws -> SaveLoginOutcome? in
                try self.writeDurably { db in
                    try self.save(login, label: requestedLabel, replacing: replacing, lockedID: existing, db)
                }
            }
            let outcome: SaveLoginOutcome?
            if let existing, let directory {
                outcome = try AccountLock.withLockBlocking(
                    for: existing, in: directory, maximumWait: lockWait, notice: notice, save)
            } else {
                outcome = try save()
            }
            if let outcome { return outcome }
        }
        throw StoreError.databaseUnusable(databaseURL, reason: "an account kept changing while it was saved")
    }

    /// Saves a login of the account `id`, whose ``AccountLock`` the caller holds.
    @discardableResult
    func saveLogin(
        _ login: AccountLogin,
        replacing: LoginReplacement,
        holdingLockOf id: AccountID
    ) throws -> SaveLoginOutcome {
        let outcome = try writeDurably { db in
            try save(login, label: nil, replacing: replacing, lockedID: id, db)
        }
        guard let outcome else { throw StoreError.accountNotFound(id) }
        return outcome
    }

    /// Replaces an account's tokens with refreshed ones, durably, unless the stored login changed since the caller
    /// read it (a re-login or import meanwhile wins). The caller holds the account's ``AccountLock``.
    /// - Parameter expected: The refresh token the caller read, and spent, to get `credentials`.
    /// - Returns: `false` when the stored refresh token is no longer `expected`; nothing was written.
    /// - Throws: ``StoreError`` `account-not-found` if the account was removed meanwhile; database failures.
    @discardableResult
    public func storeRefreshedCredentials(
        _ credentials: AccountCredentials,
        accessTokenExpiresAt: Date?,
        for id: AccountID,
        replacingRefreshToken expected: String
    ) throws -> Bool {
        try writeDurably { db in
            guard var record = try AccountRecord.fetchOne(db, key: id.rawValue) else {
                throw StoreError.accountNotFound(id)
            }
            guard record.refreshToken == expected else { return false }
            record.setCredentials(credentials, accessTokenExpiresAt: accessTokenExpiresAt)
            try record.update(db)
            return true
        }
    }

    /// Marks the account `needs-login` with `reason` if it still holds the refused refresh token; a login stored
    /// since then (a re-login, an import) wins. Routing's ``RequestRouting/Effect/loginRefused(_:reason:refused:)``
    /// for a caller outside a request (the usage refresh).
    /// - Returns: Whether the account was marked.
    @discardableResult
    public func markNeedsLogin(reason: String, for id: AccountID, refused: RefusedRefreshToken) throws -> Bool {
        try write { db in try Self.markNeedsLogin(reason: reason, for: id, refused: refused, in: db) }
    }

    /// Marks the account `needs-login` with `reason` if it still holds the refused refresh token; a login stored
    /// since then (a re-login, an import) wins. Routing's ``RequestRouting/Effect/loginRefused(_:reason:refused:)``.
    /// - Returns: Whether the account was marked.
    @discardableResult
    static func markNeedsLogin(reason: String, for id: AccountID, refused: RefusedRefreshToken, in db: Database) throws
        -> Bool
    {
        try db.cachedStatement(sql: """
                UPDATE account SET status = 'needs-login', status_reason = ? WHERE id = ? AND refresh_token = ?
                """)
            .execute(arguments: [reason, id.rawValue, refused.value])
        return db.changesCount > 0
    }

    /// Runs `body` in one write transaction that is on disk when it commits (`synchronous = FULL` for that
    /// transaction only: SQLite cannot change it inside one, so it is set before and restored after). Token writes
    /// use it: a power cut must not take back a refresh token the issuer has already rotated.
    func writeDurably<T>(_ body: (Database) throws -> T) throws -> T {
        defer { generation.advance() }
        return try translatingErrors {
            try writer.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = FULL")
                defer { try? db.execute(sql: "PRAGMA synchronous = \(Self.defaultSynchronous)") }
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                guard let result else { throw CancellationError() }
                return result
            }
        }
    }

    /// One save inside a transaction; `nil` when the identity's account is not the one the caller locked.
    private func save(
        _ login: AccountLogin,
        label requestedLabel: String?,
        replacing: LoginReplacement,
        lockedID: AccountID?,
        _ db: Database
    ) throws -> SaveLoginOutcome? {
        let existing = try Self.record(matching: login, db)
        guard existing?.accountID == lockedID else { return nil }
        guard var record = existing else {
            return try insert(login, label: requestedLabel, db)
        }
        if replacing == .whenNewer {
            let recency = LoginRecency(
                stored: record.credentials,
                storedExpiresAt: record.accessTokenExpiresAt,
                arriving: login.credentials,
                arrivingExpiresAt: login.accessTokenExpiresAt
            )
            switch recency {
            case .unchanged: return .unchanged(try require(record.accountID, db))
            case .storedIsNewer: return .kept(try require(record.accountID, db))
            case .arrivingIsNewer: break
            }
        }
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

    private func insert(_ login: AccountLogin, label requestedLabel: String?, _ db: Database) throws -> SaveLoginOutcome {
        let label: String
        if let requestedLabel {
            try Self.ensureLabelIsFree(requestedLabel, db)
            label = requestedLabel
        } else {
            let taken = try Set(String.fetchAll(db, AccountRecord.select(AccountRecord.CodingKeys.label)))
            label = AccountLabel.defaultLabel(email: login.email, chatgptAccountID: login.chatgptAccountID, taken: taken)
        }
        let id = AccountID(UUID())
        try AccountRecord(id: id, label: label, login: login, createdAt: Date()).insert(db)
        return .added(try require(id, db))
    }

    private static func record(matching login: AccountLogin, _ db: Database) throws -> AccountRecord? {
        try AccountRecord
            .filter(AccountRecord.CodingKeys.chatgptAccountID == login.chatgptAccountID)
            .filter(AccountRecord.CodingKeys.email == login.email)
            .fetchOne(db)
    }
}
