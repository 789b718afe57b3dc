public import Foundation
public import RotorCore
import RotorPlatform

/// Refreshed tokens that could not be written to the store, kept in a private file until a store can take them.
///
/// Once the issuer has answered a refresh, the old refresh token is spent: losing the answer logs the account out.
/// When the database stays unwritable (busy, disk full) the refresher writes the new tokens to
/// `<state dir>/recovery/<account id>.json` (0600 from creation, written to a temporary file, synced, then renamed
/// into place), and the next ``AccountStore`` open adopts them — only when newer than the stored login
/// (``LoginRecency``), under the account's lock — and deletes the file.
public enum TokenRecovery {
    /// The recovery file of `id`.
    public static func url(for id: AccountID, in directory: StateDirectory) -> URL {
        directory.recoveryDirectory.appending(path: "\(id.rawValue).json")
    }

    /// Writes `credentials` to the recovery file of `id`, durably, and returns the file.
    /// - Throws: ``StoreError`` (`cannotCreateFile`) naming the file.
    @discardableResult
    public static func save(
        _ credentials: AccountCredentials,
        accessTokenExpiresAt: Date?,
        for id: AccountID,
        in directory: StateDirectory
    ) throws -> URL {
        try directory.prepare()
        let file = url(for: id, in: directory)
        let entry = Entry(credentials: credentials, accessTokenExpiresAt: accessTokenExpiresAt)
        do {
            try PrivateFile.replace(file.path(percentEncoded: false), with: try JSONEncoder().encode(entry))
        } catch {
            throw StoreError.cannotCreateFile(file, reason: "\(error)")
        }
        return file
    }

    /// The tokens waiting in the recovery file of `id`, if there is a readable one.
    public static func pending(for id: AccountID, in directory: StateDirectory) -> (AccountCredentials, Date?)? {
        guard let data = try? Data(contentsOf: url(for: id, in: directory)),
            let entry = try? JSONDecoder().decode(Entry.self, from: data)
        else {
            return nil
        }
        return (entry.credentials, entry.accessTokenExpiresAt)
    }

    /// Adopts the recovery file of `id` into `store` when its tokens are newer than the stored login, then deletes
    /// it; deletes it too when the account is gone. The caller holds the account's ``AccountLock``.
    /// - Throws: ``StoreError`` when the store cannot be written: the file stays.
    public static func adopt(for id: AccountID, into store: AccountStore, in directory: StateDirectory) throws {
        guard let (credentials, expiresAt) = pending(for: id, in: directory) else { return }
        if let account = try store.account(id) {
            let login = AccountLogin(
                email: account.email,
                chatgptAccountID: account.chatgptAccountID,
                credentials: credentials,
                accessTokenExpiresAt: expiresAt
            )
            try store.saveLogin(login, replacing: .whenNewer, holdingLockOf: id)
        }
        discard(for: id, in: directory)
    }

    /// Deletes the recovery file of `id`, if any: its tokens are stored, or superseded by newer ones.
    public static func discard(for id: AccountID, in directory: StateDirectory) {
        try? FileManager.default.removeItem(at: url(for: id, in: directory))
    }

    /// Adopts every recovery file (see ``adopt(for:into:in:)``), each under its account's lock. A file that cannot be
    /// adopted now (its lock held, the database busy) stays for the next open.
    static func adoptAll(into store: AccountStore, directory: StateDirectory) {
        let files = (try? FileManager.default.contentsOfDirectory(
            at: directory.recoveryDirectory, includingPropertiesForKeys: nil)) ?? []
        for file in files where file.pathExtension == "json" {
            guard let id = AccountID(file.deletingPathExtension().lastPathComponent) else { continue }
            try? AccountLock.withLockBlocking(for: id, in: directory, maximumWait: .seconds(2)) {
                try adopt(for: id, into: store, in: directory)
            }
        }
    }

    /// The file's contents.
    struct Entry: Codable {
        var idToken: String
        var accessToken: String
        var refreshToken: String
        var lastRefresh: Date?
        var accessTokenExpiresAt: Date?

        init(credentials: AccountCredentials, accessTokenExpiresAt: Date?) {
            idToken = credentials.idToken
            accessToken = credentials.accessToken
            refreshToken = credentials.refreshToken
            lastRefresh = credentials.lastRefresh
            self.accessTokenExpiresAt = accessTokenExpiresAt
        }

        var credentials: AccountCredentials {
            AccountCredentials(
                idToken: idToken, accessToken: accessToken, refreshToken: refreshToken, lastRefresh: lastRefresh)
        }

        enum CodingKeys: String, CodingKey {
            case idToken = "id_token"
            case accessToken = "access_token"
            case refreshToken = "refresh_token"
            case lastRefresh = "last_refresh"
            case accessTokenExpiresAt = "access_token_expires_at"
        }
    }
}
