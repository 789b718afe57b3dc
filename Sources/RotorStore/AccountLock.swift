public import Foundation
public import RotorCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The per-account lock under which every write of an existing account's tokens happens — a refresh, an import, a
/// fresh login, the adoption of recovered tokens: an exclusive `flock` on `<state dir>/locks/<account id>.lock`
/// (0600 from creation, `O_CLOEXEC` so a child never inherits it). The kernel releases it when the holder exits,
/// however it exits.
///
/// Refresh tokens are single-use, so two writers that each read the stored login and write their own result would
/// lose one of them; under this lock a writer reads the stored login, decides, and writes without interleaving.
///
/// The lock is taken with `LOCK_NB` in a bounded retry loop that sleeps between tries, so no Swift concurrency
/// thread ever blocks in `flock`.
public enum AccountLock {
    /// The lock file of `id` in `directory`.
    public static func url(for id: AccountID, in directory: StateDirectory) -> URL {
        directory.locksDirectory.appending(path: "\(id.rawValue).lock")
    }

    /// Tells a waiting caller, once, that another holder keeps the lock: after `after` has passed, `notify` runs.
    public struct SlowWaitNotice: Sendable {
        /// How long to wait quietly before `notify` runs.
        public var after: Duration
        /// Runs once, on the waiting task.
        public var notify: @Sendable () -> Void

        /// A notice that runs `notify` once the lock has been waited for `after`.
        public init(after: Duration, notify: @escaping @Sendable () -> Void) {
            self.after = after
            self.notify = notify
        }
    }

    /// Runs `body` while holding the lock of `id`.
    /// - Throws: ``AccountLockError`` when the lock file cannot be opened or another holder keeps the lock longer
    ///   than `maximumWait`; else what `body` throws.
    public static func withLock<Result>(
        for id: AccountID,
        in directory: StateDirectory,
        maximumWait: Duration,
        clock: some Clock<Duration> = ContinuousClock(),
        notice: SlowWaitNotice? = nil,
        _ body: () async throws -> Result
    ) async throws -> Result {
        let descriptor = try open(id, in: directory)
        defer { close(descriptor) }
        let start = clock.now
        var wait = BoundedWait(maximumWait: maximumWait, notice: notice)
        var pause = Duration.milliseconds(2)
        while try !tryLock(descriptor) {
            try wait.failedTry(after: start.duration(to: clock.now))
            try await clock.sleep(for: pause)
            pause = min(pause * 2, .milliseconds(50))
        }
        defer { flock(descriptor, LOCK_UN) }
        return try await body()
    }

    /// Runs `body` while holding the lock of `id`, polling for it from the calling thread for at most `maximumWait`
    /// (for synchronous callers: the command-line tool's saves, opening the store).
    /// - Throws: ``AccountLockError``, or what `body` throws.
    public static func withLockBlocking<Result>(
        for id: AccountID,
        in directory: StateDirectory,
        maximumWait: Duration,
        notice: SlowWaitNotice? = nil,
        _ body: () throws -> Result
    ) throws -> Result {
        let descriptor = try open(id, in: directory)
        defer { close(descriptor) }
        let start = ContinuousClock.now
        var wait = BoundedWait(maximumWait: maximumWait, notice: notice)
        while try !tryLock(descriptor) {
            try wait.failedTry(after: start.duration(to: .now))
            usleep(10_000)
        }
        defer { flock(descriptor, LOCK_UN) }
        return try body()
    }

    /// What a waiter does after each failed try: gives up past `maximumWait`, and tells the notice once.
    private struct BoundedWait {
        let maximumWait: Duration
        let notice: SlowWaitNotice?
        var notified = false

        mutating func failedTry(after waited: Duration) throws(AccountLockError) {
            guard waited < maximumWait else { throw .heldTooLong(maximumWait) }
            if let notice, !notified, waited >= notice.after {
                notified = true
                notice.notify()
            }
        }
    }

    private static func open(_ id: AccountID, in directory: StateDirectory) throws(AccountLockError) -> Int32 {
        do {
            try directory.prepare()
            return try StateDirectory.openPrivateFile(at: url(for: id, in: directory), flags: O_RDWR)
        } catch {
            throw .cannotOpen("\(error)")
        }
    }

    /// One non-blocking attempt: `true` when the lock is now held, `false` when another holder has it.
    private static func tryLock(_ descriptor: Int32) throws(AccountLockError) -> Bool {
        if flock(descriptor, LOCK_EX | LOCK_NB) == 0 { return true }
        let error = errno
        guard error == EWOULDBLOCK || error == EINTR else {
            throw .cannotOpen(StateDirectory.describe(error))
        }
        return false
    }
}

/// Why an account's lock could not be taken.
public enum AccountLockError: UserFacingError, Hashable {
    /// The lock file cannot be opened or locked.
    case cannotOpen(String)
    /// Another process held the lock for longer than the caller waits.
    case heldTooLong(Duration)

    public var description: String {
        switch self {
        case .cannotOpen(let reason):
            "cannot lock the account's lock file (\(reason)); check that the state directory is writable"
        case .heldTooLong(let wait):
            "another rotor process has been refreshing this account's tokens for more than "
                + "\(wait.formattedSeconds); try again in a minute"
        }
    }

    public var exitCode: Int32 {
        switch self {
        case .cannotOpen: ExitStatusCode.ioError
        case .heldTooLong: ExitStatusCode.temporaryFailure
        }
    }
}
