import Foundation
import GRDB
import RotorCore
import Synchronization

/// The accounts as the proxy reads them before every step of a request, read again from the database only when it
/// changed.
///
/// `PRAGMA data_version`, asked on one dedicated connection, changes whenever any other connection commits — another
/// rotor process, or this process's own writer — so a cooldown another process records steers this process's very
/// next request, while an unchanged database costs one statement instead of the join and decode of every account.
/// This process's own writes also advance ``WriteGeneration``, which invalidates the copy even before the dedicated
/// connection could notice.
final class AccountSnapshot: Sendable {
    private struct Copy {
        var dataVersion: Int
        var generation: UInt64
        var accounts: [Account]
    }

    private struct State {
        var connection: DatabaseQueue?
        var copy: Copy?
    }

    private let path: String
    private let busyTimeout: Duration
    private let generation: WriteGeneration
    private let state = Mutex(State())

    /// A snapshot of the database at `path`, invalidated by `generation` too; reads wait up to `busyTimeout` for a
    /// lock, like the store's.
    init(path: String, busyTimeout: Duration, generation: WriteGeneration) {
        self.path = path
        self.busyTimeout = busyTimeout
        self.generation = generation
    }

    /// The accounts, oldest first: the copy while the database is unchanged, else a fresh read.
    func accounts() throws -> [Account] {
        try state.withLock { state in
            let connection = try state.connection ?? Self.open(path, busyTimeout: busyTimeout)
            state.connection = connection
            let written = generation.value
            let version = try connection.inDatabase { db in
                try Int.fetchOne(db.cachedStatement(sql: "PRAGMA data_version")) ?? 0
            }
            if let copy = state.copy, copy.dataVersion == version, copy.generation == written {
                return copy.accounts
            }
            let accounts = try connection.read { db in try AccountSummaryQuery.all(db) }
            state.copy = Copy(dataVersion: version, generation: written, accounts: accounts)
            return accounts
        }
    }

    private static func open(_ path: String, busyTimeout: Duration) throws -> DatabaseQueue {
        var configuration = GRDB.Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(busyTimeout.timeInterval)
        configuration.label = "rotor.accounts-snapshot"
        return try DatabaseQueue(path: path, configuration: configuration)
    }
}

/// Counts this process's committed writes to one database, so that caches of it know they are stale.
final class WriteGeneration: Sendable {
    private let count = Atomic<UInt64>(0)

    /// The number of writes so far.
    var value: UInt64 { count.load(ordering: .acquiring) }

    /// Records one more write.
    func advance() {
        count.add(1, ordering: .releasing)
    }
}
