import Dispatch
import Foundation
import GRDB

@testable import RotorStore

/// Plays another process that holds the database's write lock: a write transaction open on its own thread until
/// `release()` (or 20 s).
final class WriteLockHolder: Sendable {
    private let ending = DispatchSemaphore(value: 0)
    private let ended = DispatchSemaphore(value: 0)

    /// Opens the database in `directory` and returns once the write lock is held.
    init(_ directory: StateDirectory) throws {
        let store = try AccountStore(directory: directory)
        let holding = DispatchSemaphore(value: 0)
        let ending = ending
        let ended = ended
        Thread {
            try? store.write { db in
                try db.execute(sql: "UPDATE account SET label = label")
                holding.signal()
                _ = ending.wait(timeout: .now() + 20)
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
