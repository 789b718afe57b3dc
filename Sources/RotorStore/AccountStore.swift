import Foundation
import GRDB
import RotorCore

#if canImport(Glibc)
import Glibc
#endif

/// The one source of truth every rotor process shares: accounts, their tokens, cooldowns, usage, conversation
/// affinity and the decision log, in one SQLite database (WAL) in the state directory.
///
/// Each method is one transaction that preserves the store's invariants; a write by one process is visible to
/// every other process's next read. Failures are ``StoreError``s, phrased for the user.
public struct AccountStore: Sendable {
    let writer: any DatabaseWriter
    /// The database file, or `nil` for an in-memory store (used in messages).
    let databaseURL: URL
    let configuration: Configuration
    /// The state directory the database lives in, or `nil` for an in-memory store (which takes no account locks).
    let directory: StateDirectory?
    /// This process's writes, which invalidate `snapshot`.
    let generation = WriteGeneration()
    /// The proxy's cached view of the accounts; `nil` for an in-memory store (a second connection would open
    /// another database).
    let snapshot: AccountSnapshot?

    /// SQLite's `synchronous` setting outside token writes: in WAL mode NORMAL never corrupts the database; a power
    /// cut may only lose the last transactions (token writes are made durable one by one, see `writeDurably`).
    static let defaultSynchronous = "NORMAL"

    /// Opens the store in `directory`: prepares the directory, opens the database (WAL, busy timeout) and applies
    /// pending migrations.
    /// - Throws: ``StoreError``: the directory is not writable, the database is locked, unusable or was written
    ///   by a newer rotor.
    public init(directory: StateDirectory) throws {
        try self.init(directory: directory, configuration: .default)
    }

    /// Opens the store in `directory` with explicit tunables (tests shorten the busy timeout).
    public init(directory: StateDirectory, configuration: Configuration) throws {
        try directory.prepare()
        let url = directory.databaseURL
        // SQLite creates its database 0644 (minus the umask), and creates `-wal`/`-shm` with the mode of the
        // database file (os_unix.c, `findCreateFileMode`, then `fchmod` in `robust_open`, regardless of the
        // umask). Creating the database file ourselves, 0600, first therefore makes all three 0600 from their
        // creation. Changing the umask instead would race with other threads and leak into child processes.
        let descriptor = try StateDirectory.openPrivateFile(at: url, flags: O_RDWR)
        close(descriptor)

        var grdbConfiguration = GRDB.Configuration()
        grdbConfiguration.busyMode = .timeout(configuration.busyTimeout.timeInterval)
        grdbConfiguration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(Self.defaultSynchronous)")
        }
        // Opening and migrating happen under a cross-process lock: a fresh database's first open switches it to WAL
        // (an exclusive lock SQLite may refuse at once, without waiting, while another process opens it too), and
        // GRDB's migrator reads the applied migrations before it takes the write lock, so two processes opening a
        // fresh database at once would both run the first migration. Once open, processes share it freely.
        let lock = try FileLock.acquire(
            directory.locksDirectory.appending(path: "schema.lock"),
            timeout: configuration.busyTimeout,
            database: url
        )
        do {
            defer { lock.release() }
            let pool = try Self.translatingErrors(database: url, busyTimeout: configuration.busyTimeout) {
                try DatabasePool(path: url.path(percentEncoded: false), configuration: grdbConfiguration)
            }
            self.writer = pool
            self.databaseURL = url
            self.configuration = configuration
            self.directory = directory
            self.snapshot = AccountSnapshot(path: url.path(percentEncoded: false), busyTimeout: configuration.busyTimeout,
                                            generation: generation)
            try migrate()
        }
        // After the schema lock: adopting takes account locks, which a refresher holds across an HTTP call.
        TokenRecovery.adoptAll(into: self, directory: directory)
    }

    /// The store in `directory` opened for reading only, as `rotor doctor` looks at it: nothing is created, migrated,
    /// adopted or changed, and every write fails.
    /// - Throws: ``StoreError``: the database is missing, locked or unusable.
    public static func readingOnly(directory: StateDirectory) throws -> AccountStore {
        let url = directory.databaseURL
        var configuration = GRDB.Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(Configuration.default.busyTimeout.timeInterval)
        let queue = try translatingErrors(database: url, busyTimeout: Configuration.default.busyTimeout) {
            try DatabaseQueue(path: url.path(percentEncoded: false), configuration: configuration)
        }
        return AccountStore(writer: queue, databaseURL: url, configuration: .default, directory: directory)
    }

    /// A private store in memory, for tests.
    public static func inMemory() throws -> AccountStore {
        try inMemory(configuration: .default)
    }

    /// A private store in memory with explicit tunables, for tests.
    public static func inMemory(configuration: Configuration) throws -> AccountStore {
        let url = URL(fileURLWithPath: ":memory:")
        let queue = try translatingErrors(database: url, busyTimeout: configuration.busyTimeout) {
            try DatabaseQueue()
        }
        let store = AccountStore(writer: queue, databaseURL: url, configuration: configuration, directory: nil)
        try store.migrate()
        return store
    }

    private init(writer: any DatabaseWriter, databaseURL: URL, configuration: Configuration, directory: StateDirectory?) {
        self.writer = writer
        self.databaseURL = databaseURL
        self.configuration = configuration
        self.directory = directory
        self.snapshot = nil
    }

    /// Refuses a database from a newer rotor; applies pending migrations. Callers sharing a database file hold the
    /// schema lock (see `init(directory:configuration:)`).
    private func migrate() throws {
        let migrator = Schema.migrator
        try translatingErrors {
            guard try !writer.read(migrator.hasBeenSuperseded) else {
                throw StoreError.databaseFromNewerRotor(databaseURL)
            }
            guard try !writer.read(migrator.hasCompletedMigrations) else { return }
            try migrator.migrate(writer)
        }
    }

    /// Runs `body` in one write transaction (`BEGIN IMMEDIATE`), translating SQLite failures.
    @discardableResult
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        defer { generation.advance() }
        return try translatingErrors { try writer.write(body) }
    }

    /// Runs `body` in one read transaction, translating SQLite failures.
    @discardableResult
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        try translatingErrors { try writer.read(body) }
    }

    func translatingErrors<T>(_ body: () throws -> T) throws -> T {
        try Self.translatingErrors(database: databaseURL, busyTimeout: configuration.busyTimeout, body)
    }

    private static func translatingErrors<T>(
        database: URL,
        busyTimeout: Duration,
        _ body: () throws -> T
    ) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError {
            switch error.resultCode {
            case .SQLITE_BUSY, .SQLITE_LOCKED:
                throw StoreError.databaseLocked(database, timeout: busyTimeout)
            default:
                throw StoreError.databaseUnusable(database, reason: error.message ?? "\(error.resultCode)")
            }
        }
    }
}

extension Duration {
    /// The duration in seconds, as `TimeInterval`.
    var timeInterval: TimeInterval {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}

extension AccountStore {
    /// What SQLite's `PRAGMA integrity_check` reports: `["ok"]` for a sound database, else its problems.
    public func integrityProblems() throws -> [String] {
        let lines = try read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
        return lines == ["ok"] ? [] : lines
    }

    /// The schema's migrations: how many this database has applied, of how many this rotor knows.
    public func schemaVersion() throws -> (applied: Int, known: Int) {
        let migrator = Schema.migrator
        let applied = try read { db in try migrator.appliedIdentifiers(db).count }
        return (applied, migrator.migrations.count)
    }
}
