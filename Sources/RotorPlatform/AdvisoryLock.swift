/// An exclusive advisory lock (`flock(2)`) on an open file: other processes that lock the same file wait, and the
/// kernel releases it when the file is closed, however its holder ends.
///
/// It is only ever tried without waiting (`LOCK_NB`) and polled with growing pauses, so no thread blocks in the
/// kernel for an unbounded time and the async variant never blocks a Swift concurrency thread.
package struct AdvisoryLock: Sendable {
    /// The open file the lock is taken on (see ``PrivateFile/open(_:flags:)``); the caller closes it.
    package let descriptor: Int32

    /// A lock on the file open at `descriptor`.
    package init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// Pauses between attempts: from ``first``, doubling up to ``longest``.
    package struct Polling: Hashable, Sendable {
        /// The pause after the first failed attempt.
        package var first: Duration
        /// The longest pause.
        package var longest: Duration

        /// Pauses from `first`, doubling up to `longest`.
        package init(first: Duration, longest: Duration) {
            self.first = first
            self.longest = longest
        }

        /// 2 ms, doubling up to 50 ms: short locks are taken quickly, long ones cost a few attempts a second.
        package static let standard = Polling(first: .milliseconds(2), longest: .milliseconds(50))

        func pause(after previous: Duration?) -> Duration {
            previous.map { min($0 * 2, longest) } ?? first
        }
    }

    /// Tries once: `true` when this file now holds the lock, `false` when another holder has it.
    /// - Throws: ``SystemError`` when the lock cannot be taken at all (for example `ENOLCK`).
    package func tryLock() throws(SystemError) -> Bool {
        while true {
            switch SystemCalls.tryLockExclusive(descriptor) {
            case .success: return true
            case .failure(let error) where error.code == SystemCalls.wouldBlock: return false
            case .failure(let error) where error.code == SystemCalls.interrupted: continue
            case .failure(let error): throw error
            }
        }
    }

    /// Releases the lock (closing the file releases it too).
    package func unlock() {
        SystemCalls.unlock(descriptor)
    }

    /// Takes the lock, pausing the calling thread between attempts, for at most `timeout`; returns whether it was
    /// taken. For short waits outside Swift concurrency (opening the store).
    /// - Throws: ``SystemError`` from ``tryLock()``.
    package func lock(waitingAtMost timeout: Duration, polling: Polling = .standard) throws(SystemError) -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        var pause: Duration?
        while try !tryLock() {
            guard clock.now < deadline else { return false }
            let next = polling.pause(after: pause)
            SystemCalls.sleep(for: next)
            pause = next
        }
        return true
    }

    /// Takes the lock, sleeping on `clock` between attempts, until `timeout` has passed on it; returns whether it was
    /// taken.
    /// - Throws: ``SystemError`` from ``tryLock()``; `CancellationError` when the task is cancelled while it waits.
    package func lock(
        waitingAtMost timeout: Duration,
        clock: some Clock<Duration>,
        polling: Polling = .standard
    ) async throws -> Bool {
        let start = clock.now
        var pause: Duration?
        while try !tryLock() {
            guard start.duration(to: clock.now) < timeout else { return false }
            let next = polling.pause(after: pause)
            try await clock.sleep(for: next)
            pause = next
        }
        return true
    }
}
