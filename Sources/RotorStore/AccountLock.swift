public import Foundation
public import RotorCore
import RotorPlatform

/// The per-account lock under which every write of an existing account's tokens happens — a refresh, an import, a
/// fresh login, the adoption of recovered tokens: an exclusive `flock` on `<state dir>/locks/<account id>.lock`
/// (0600 from creation, close-on-exec so a child never inherits it). The kernel releases it when the holder exits,
/// however it exits.
///
/// Refresh tokens are single-use, so two writers that each read the stored login and write their own result would
/// lose one of them; under this lock a writer reads the stored login, decides, and writes without interleaving.
///
/// The lock is polled (``AdvisoryLock``), so no Swift concurrency thread ever blocks in `flock`.
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

    /// Runs `body` while holding the lock of `id`, sleeping on `clock` between tries.
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
        let lock = try open(id, in: directory)
        defer { PrivateFile.close(lock.descriptor) }
        let quietly = quietWait(maximumWait, notice)
        var taken = try await lockAsync(lock, waitingAtMost: quietly, clock: clock)
        if !taken, let notice {
            notice.notify()
            taken = try await lockAsync(lock, waitingAtMost: maximumWait - quietly, clock: clock)
        }
        guard taken else { throw AccountLockError.heldTooLong(maximumWait) }
        defer { lock.unlock() }
        return try await body()
    }

    /// Runs `body` while holding the lock of `id`, pausing the calling thread between tries, for at most
    /// `maximumWait` (for synchronous callers: the command-line tool's saves, opening the store).
    /// - Throws: ``AccountLockError``, or what `body` throws.
    public static func withLockBlocking<Result>(
        for id: AccountID,
        in directory: StateDirectory,
        maximumWait: Duration,
        notice: SlowWaitNotice? = nil,
        _ body: () throws -> Result
    ) throws -> Result {
        let lock = try open(id, in: directory)
        defer { PrivateFile.close(lock.descriptor) }
        let quietly = quietWait(maximumWait, notice)
        var taken = try lockBlocking(lock, waitingAtMost: quietly)
        if !taken, let notice {
            notice.notify()
            taken = try lockBlocking(lock, waitingAtMost: maximumWait - quietly)
        }
        guard taken else { throw AccountLockError.heldTooLong(maximumWait) }
        defer { lock.unlock() }
        return try body()
    }

    /// How long to wait before the notice is due (all of `maximumWait` without one).
    private static func quietWait(_ maximumWait: Duration, _ notice: SlowWaitNotice?) -> Duration {
        notice.map { min($0.after, maximumWait) } ?? maximumWait
    }

    /// - Throws: ``AccountLockError/cannotOpen(_:)`` when the lock cannot be taken at all; `CancellationError`.
    private static func lockAsync(
        _ lock: AdvisoryLock,
        waitingAtMost wait: Duration,
        clock: some Clock<Duration>
    ) async throws -> Bool {
        do {
            return try await lock.lock(waitingAtMost: wait, clock: clock)
        } catch let error as SystemError {
            throw AccountLockError.cannotOpen(error.description)
        }
    }

    private static func lockBlocking(_ lock: AdvisoryLock, waitingAtMost wait: Duration) throws(AccountLockError) -> Bool {
        do {
            return try lock.lock(waitingAtMost: wait)
        } catch {
            throw .cannotOpen(error.description)
        }
    }

    private static func open(_ id: AccountID, in directory: StateDirectory) throws(AccountLockError) -> AdvisoryLock {
        do {
            try directory.prepare()
            return AdvisoryLock(descriptor: try StateDirectory.openPrivateFile(at: url(for: id, in: directory), flags: O_RDWR))
        } catch {
            throw .cannotOpen("\(error)")
        }
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
