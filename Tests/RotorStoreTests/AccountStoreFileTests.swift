import Foundation
import GRDB
import RotorCore
import RotorStore
import RotorTestSupport
import Testing

/// The store on a real file: what several rotor processes sharing one state directory rely on.
struct AccountStoreFileTests {
    /// A write through one store is seen by another store's next read on the same file.
    @Test func twoStoresSeeEachOthersWrites() throws {
        let directory = try TemporaryDirectory(prefix: "rotor-store-tests")
        defer { directory.remove() }
        let first = try AccountStore(directory: directory.stateDirectory)
        let second = try AccountStore(directory: directory.stateDirectory)
        #expect(try second.accounts().isEmpty)

        let id = try first.saveLogin(TestLogin.make(email: "a@x.io")).account.id
        #expect(try second.accounts().map(\.id) == [id])

        let now = Date(timeIntervalSince1970: 1_000)
        let cooldown = Cooldown(until: now.addingTimeInterval(60), reason: .usageLimit)
        try second.recordCooldown(cooldown, consecutiveFailures: 1, for: id, now: now)
        #expect(try first.account(id)?.cooldown == cooldown)

        try first.remove(id)
        #expect(try second.account(id) == nil)
    }

    /// Stores opened at once on a fresh file all migrate it without error and share its accounts.
    @Test func concurrentFirstOpensMigrateOnce() async throws {
        let directory = try TemporaryDirectory(prefix: "rotor-store-tests")
        defer { directory.remove() }
        let state = directory.stateDirectory
        let emails = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<4 {
                group.addTask {
                    let store = try AccountStore(directory: state)
                    let email = "user\(index)@x.io"
                    _ = try store.saveLogin(TestLogin.make(email: email))
                    return email
                }
            }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        let stored = try AccountStore(directory: state).accounts().map(\.email)
        #expect(Set(stored) == emails)
        #expect(stored.count == 4)
    }

    /// A database listing a migration this rotor does not know is refused with an upgrade hint (exit 78).
    @Test func refusesDatabaseFromNewerRotor() throws {
        let directory = try TemporaryDirectory(prefix: "rotor-store-tests")
        defer { directory.remove() }
        _ = try AccountStore(directory: directory.stateDirectory)
        let queue = try DatabaseQueue(path: directory.stateDirectory.databaseURL.path)
        try queue.write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99 from the future')")
        }
        let error = #expect(throws: StoreError.self) { try AccountStore(directory: directory.stateDirectory) }
        #expect(error?.code == .databaseFromNewerRotor)
        #expect(error?.exitCode == ExitStatusCode.configuration)
        #expect(error?.description.contains("upgrade rotor") == true)
    }

    /// A write lock held past the busy timeout fails with `database-locked` (exit 74) naming the file.
    @Test func lockedLongerThanBusyTimeout() throws {
        let directory = try TemporaryDirectory(prefix: "rotor-store-tests")
        defer { directory.remove() }
        let configuration = AccountStore.Configuration(busyTimeout: .milliseconds(200))
        let store = try AccountStore(directory: directory.stateDirectory, configuration: configuration)
        let holder = try DatabaseQueue(path: directory.stateDirectory.databaseURL.path)
        try holder.writeWithoutTransaction { db in
            try db.execute(sql: "BEGIN IMMEDIATE")
            defer { try? db.execute(sql: "ROLLBACK") }
            let error = #expect(throws: StoreError.self) { try store.saveLogin(TestLogin.make(email: "a@x.io")) }
            #expect(error?.code == .databaseLocked)
            #expect(error?.exitCode == ExitStatusCode.ioError)
            #expect(error?.description.contains(directory.stateDirectory.databaseURL.path) == true)
            // Reads still work while another process writes (WAL).
            #expect(try store.accounts().isEmpty)
        }
        let outcome = try store.saveLogin(TestLogin.make(email: "a@x.io"))
        #expect(outcome == .added(try #require(try store.accounts().first)))
    }

    /// The directories are 0700 and the database with its -wal and -shm files 0600.
    @Test func filesArePrivate() throws {
        let directory = try TemporaryDirectory(prefix: "rotor-store-tests")
        defer { directory.remove() }
        let store = try AccountStore(directory: directory.stateDirectory)
        _ = try store.saveLogin(TestLogin.make(email: "a@x.io"))
        let state = directory.stateDirectory
        for url in [state.url, state.logsDirectory, state.locksDirectory] {
            #expect(try mode(of: url) == 0o700, "\(url.path)")
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: state.url.path)
        #expect(Set(names).isSuperset(of: ["rotor.sqlite", "rotor.sqlite-wal", "rotor.sqlite-shm"]))
        for name in names where name.hasPrefix("rotor.sqlite") {
            #expect(try mode(of: state.url.appending(path: name)) == 0o600, "\(name)")
        }
    }

    /// A file that is not a database is reported as unusable (exit 74), not as a crash.
    @Test func garbageFileIsUnusable() throws {
        let directory = try TemporaryDirectory(prefix: "rotor-store-tests")
        defer { directory.remove() }
        try directory.stateDirectory.prepare()
        try Data(repeating: 0x41, count: 4096).write(to: directory.stateDirectory.databaseURL)
        let error = #expect(throws: StoreError.self) { try AccountStore(directory: directory.stateDirectory) }
        #expect(error?.code == .databaseUnusable)
        #expect(error?.exitCode == ExitStatusCode.ioError)
    }
}

func mode(of url: URL) throws -> Int {
    let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
    return (attributes[.posixPermissions] as? Int ?? -1) & 0o777
}
