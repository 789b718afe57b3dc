import Foundation
import RotorCore
import RotorTestSupport
import Testing

@testable import RotorStore

/// Refreshed tokens kept in a recovery file are adopted by the next store open when newer, and the file goes.
struct TokenRecoveryTests {
    /// A store with one account (refresh token `rt-1`, access token expiring at 2,000,000,000).
    func withAccount(_ body: (TemporaryDirectory, AccountStore, AccountID) throws -> Void) throws {
        let temporary = try TemporaryDirectory(prefix: "rotor-store-tests")
        defer { temporary.remove() }
        let store = try AccountStore(directory: temporary.stateDirectory)
        let id = try store.saveLogin(TestLogin.make(email: "a@x.io")).account.id
        try body(temporary, store, id)
    }

    func credentials(_ refreshToken: String) -> AccountCredentials {
        AccountCredentials(idToken: "id-new", accessToken: "at-\(refreshToken)", refreshToken: refreshToken)
    }

    @Test func theNextOpenAdoptsNewerTokensAndDeletesTheFile() throws {
        try withAccount { temporary, store, id in
            let file = try TokenRecovery.save(
                credentials("rt-2"), accessTokenExpiresAt: Date(timeIntervalSince1970: 2_000_003_600), for: id,
                in: temporary.stateDirectory)
            let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
            #expect(mode == 0o600)

            let reopened = try AccountStore(directory: temporary.stateDirectory)
            #expect(try reopened.credentials(for: id) == credentials("rt-2"))
            #expect(try reopened.account(id)?.accessTokenExpiresAt == Date(timeIntervalSince1970: 2_000_003_600))
            #expect(!FileManager.default.fileExists(atPath: file.path))
        }
    }

    @Test func olderTokensAreDroppedAndTheStoredLoginKept() throws {
        try withAccount { temporary, store, id in
            let stored = try store.credentials(for: id)
            let file = try TokenRecovery.save(
                credentials("rt-0"), accessTokenExpiresAt: Date(timeIntervalSince1970: 1_999_000_000), for: id,
                in: temporary.stateDirectory)
            let reopened = try AccountStore(directory: temporary.stateDirectory)
            #expect(try reopened.credentials(for: id) == stored)
            #expect(!FileManager.default.fileExists(atPath: file.path))
        }
    }

    @Test func aFileOfARemovedAccountIsDeleted() throws {
        try withAccount { temporary, store, id in
            let file = try TokenRecovery.save(
                credentials("rt-2"), accessTokenExpiresAt: nil, for: id, in: temporary.stateDirectory)
            try store.remove(id)
            let reopened = try AccountStore(directory: temporary.stateDirectory)
            #expect(try reopened.accounts().isEmpty)
            #expect(!FileManager.default.fileExists(atPath: file.path))
        }
    }

    /// While a refresher holds the account's lock, the open leaves the file for later instead of racing it.
    @Test func aLockedAccountKeepsItsFileForTheNextOpen() throws {
        try withAccount { temporary, store, id in
            let file = try TokenRecovery.save(
                credentials("rt-2"), accessTokenExpiresAt: Date(timeIntervalSince1970: 2_000_003_600), for: id,
                in: temporary.stateDirectory)
            try AccountLock.withLockBlocking(for: id, in: temporary.stateDirectory, maximumWait: .seconds(1)) {
                _ = try AccountStore(directory: temporary.stateDirectory)
                #expect(FileManager.default.fileExists(atPath: file.path))
            }
            let reopened = try AccountStore(directory: temporary.stateDirectory)
            #expect(try reopened.credentials(for: id)?.refreshToken == "rt-2")
        }
    }
}
