import Dispatch
import Foundation
import GRDB
import RotorStore

/// Plays another process that holds the shared database's write lock: a write transaction open on a thread of
/// its own, over a connection of its own, until `release()` (or 20 s).
final class DatabaseWriteLock: Sendable {
    private let ending = DispatchSemaphore(value: 0)
    private let ended = DispatchSemaphore(value: 0)

    /// Opens the database in `directory` and returns once the write lock is held.
    init(_ directory: StateDirectory) throws {
        let queue = try DatabaseQueue(path: directory.databaseURL.path(percentEncoded: false))
        let holding = DispatchSemaphore(value: 0)
        let ending = ending
        let ended = ended
        Thread {
            try? queue.inTransaction(.immediate) { db in
                try db.execute(sql: "UPDATE account SET label = label")
                holding.signal()
                _ = ending.wait(timeout: .now() + 20)
                return .commit
            }
            ended.signal()
        }.start()
        holding.wait()
    }

    /// Ends the transaction and waits until the lock is free.
    func release() {
        ending.signal()
        ended.wait()
    }
}
