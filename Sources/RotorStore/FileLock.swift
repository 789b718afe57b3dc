import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive advisory `flock` on a private lock file, released by the kernel if the holder dies.
///
/// Held only for short critical sections (schema migration); waiting is bounded by polling.
struct FileLock {
    private let descriptor: Int32

    /// Takes the lock, waiting at most `timeout`.
    /// - Throws: ``StoreError``: the lock file cannot be created, or `database-locked` naming `database` when
    ///   another process holds the lock past `timeout`.
    static func acquire(_ url: URL, timeout: Duration, database: URL) throws -> FileLock {
        let descriptor = try StateDirectory.openPrivateFile(at: url, flags: O_RDWR)
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR, clock.now < deadline else {
                close(descriptor)
                throw StoreError.databaseLocked(database, timeout: timeout)
            }
            usleep(10_000)
        }
        return FileLock(descriptor: descriptor)
    }

    /// Releases the lock and closes the file.
    func release() {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
