import Foundation
import RotorCore
import RotorStore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The per-account lock that makes a token refresh single-flight across processes: an exclusive `flock` on
/// `<state dir>/locks/<account id>.lock` (0600 from creation, `O_CLOEXEC` so a child never inherits it). The kernel
/// releases it when the holder exits, however it exits.
///
/// The lock is taken with `LOCK_NB` in a bounded retry loop that sleeps between tries, so no Swift concurrency
/// thread ever blocks in `flock`.
struct AccountLock {
    /// The lock file of `id` in `directory`.
    static func url(for id: AccountID, in directory: StateDirectory) -> URL {
        directory.locksDirectory.appending(path: "\(id.rawValue).lock")
    }

    /// Runs `body` while holding the lock of `id`.
    /// - Throws: ``TokenRefreshError/transient(_:)`` when the lock file cannot be opened or another holder keeps the
    ///   lock longer than `maximumWait`; else what `body` throws.
    static func withLock<Result>(
        for id: AccountID,
        in directory: StateDirectory,
        maximumWait: Duration,
        clock: some Clock<Duration>,
        _ body: () async throws -> Result
    ) async throws -> Result {
        let descriptor: Int32
        do {
            try directory.prepare()
            descriptor = try StateDirectory.openPrivateFile(at: url(for: id, in: directory), flags: O_RDWR)
        } catch {
            throw TokenRefreshError.transient("cannot open the account's lock file: \(error)")
        }
        defer { close(descriptor) }
        try await acquire(descriptor, maximumWait: maximumWait, clock: clock)
        defer { flock(descriptor, LOCK_UN) }
        return try await body()
    }

    private static func acquire(_ descriptor: Int32, maximumWait: Duration, clock: some Clock<Duration>) async throws {
        let start = clock.now
        var pause = Duration.milliseconds(2)
        while true {
            if flock(descriptor, LOCK_EX | LOCK_NB) == 0 { return }
            let error = errno
            guard error == EWOULDBLOCK || error == EINTR else {
                throw TokenRefreshError.transient(
                    "cannot lock the account's lock file: \(String(cString: strerror(error)))")
            }
            guard start.duration(to: clock.now) < maximumWait else {
                throw TokenRefreshError.transient("another rotor process has been refreshing this account for too long")
            }
            try await clock.sleep(for: pause)
            pause = min(pause * 2, .milliseconds(50))
        }
    }
}
