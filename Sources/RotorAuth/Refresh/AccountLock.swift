import Foundation
import RotorCore
import RotorPlatform
import RotorStore

#if canImport(Glibc)
import Glibc
#endif

/// The per-account lock that makes a token refresh single-flight across processes: an exclusive `flock` on
/// `<state dir>/locks/<account id>.lock` (0600 from creation, `O_CLOEXEC` so a child never inherits it). The kernel
/// releases it when the holder exits, however it exits.
///
/// The lock is polled (``AdvisoryLock``), sleeping on `clock` between tries, so no Swift concurrency thread ever
/// blocks in `flock`.
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
        defer { PrivateFile.close(descriptor) }
        let lock = AdvisoryLock(descriptor: descriptor)
        try await acquire(lock, maximumWait: maximumWait, clock: clock)
        defer { lock.unlock() }
        return try await body()
    }

    private static func acquire(_ lock: AdvisoryLock, maximumWait: Duration, clock: some Clock<Duration>) async throws {
        let taken: Bool
        do {
            taken = try await lock.lock(waitingAtMost: maximumWait, clock: clock)
        } catch let error as SystemError {
            throw TokenRefreshError.transient("cannot lock the account's lock file: \(error)")
        }
        guard taken else {
            throw TokenRefreshError.transient("another rotor process has been refreshing this account for too long")
        }
    }
}
