import Foundation
import RotorPlatform

#if canImport(Glibc)
import Glibc
#endif

/// An exclusive advisory `flock` on a private lock file, released by the kernel if the holder dies.
///
/// Held only for short critical sections (schema migration); waiting is bounded by polling.
struct FileLock {
    private let lock: AdvisoryLock

    /// Takes the lock, waiting at most `timeout`.
    /// - Throws: ``StoreError``: the lock file cannot be created, or `database-locked` naming `database` when
    ///   another process holds the lock past `timeout`.
    static func acquire(_ url: URL, timeout: Duration, database: URL) throws -> FileLock {
        let lock = AdvisoryLock(descriptor: try StateDirectory.openPrivateFile(at: url, flags: O_RDWR))
        // A lock that cannot be taken at all (ENOLCK) is reported as held: in both cases, retrying later is the way.
        guard (try? lock.lock(waitingAtMost: timeout)) == true else {
            PrivateFile.close(lock.descriptor)
            throw StoreError.databaseLocked(database, timeout: timeout)
        }
        return FileLock(lock: lock)
    }

    /// Releases the lock and closes the file.
    func release() {
        lock.unlock()
        PrivateFile.close(lock.descriptor)
    }
}
