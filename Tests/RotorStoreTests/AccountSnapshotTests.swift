import Foundation
import RotorCore
import RotorTestSupport
import Testing

import RotorStore

/// The proxy's copy of the accounts: read again exactly when the database changed, by this process or another.
struct AccountSnapshotTests {
    private let now = Date(timeIntervalSince1970: 1_767_225_600)

    /// This process's write is seen at once.
    @Test func ownWritesInvalidateTheCopy() throws {
        let directory = try TemporaryDirectory(prefix: "rotor-snapshot")
        defer { directory.remove() }
        let store = try AccountStore(directory: directory.stateDirectory)
        let id = try store.saveLogin(TestLogin.make(email: "a@example.com")).account.id
        #expect(try store.currentAccounts().map(\.id) == [id])
        #expect(try store.currentAccounts().map(\.id) == [id])

        try store.recordCooldown(Cooldown(until: now.addingTimeInterval(60), reason: .rateLimit),
                                 consecutiveFailures: 1, for: id, now: now)
        #expect(try store.currentAccounts().first?.cooldown?.reason == .rateLimit)
        try store.clearCooldowns(nil)
        #expect(try store.currentAccounts().first?.cooldown == nil)
    }

    /// Another process's write (its own connections) is seen by the next read.
    @Test func anotherProcessesWriteIsSeen() throws {
        let directory = try TemporaryDirectory(prefix: "rotor-snapshot")
        defer { directory.remove() }
        let store = try AccountStore(directory: directory.stateDirectory)
        let id = try store.saveLogin(TestLogin.make(email: "a@example.com")).account.id
        #expect(try store.currentAccounts().first?.cooldown == nil)

        let other = try AccountStore(directory: directory.stateDirectory)
        try other.recordCooldown(Cooldown(until: now.addingTimeInterval(60), reason: .usageLimit),
                                 consecutiveFailures: 1, for: id, now: now)
        #expect(try store.currentAccounts().first?.cooldown?.reason == .usageLimit)
        let added = try other.saveLogin(TestLogin.make(email: "b@example.com", chatgptAccountID: "acct-0002"))
        #expect(try store.currentAccounts().map(\.id) == [id, added.account.id])
    }
}
