import RotorTestSupport
import Testing

@testable import RotorPlatform

#if canImport(Glibc)
import Glibc
#endif

/// Two open files of one lock file play two processes: `flock` locks belong to the open file, not the process.
struct AdvisoryLockTests {
    struct Holders {
        let directory: TemporaryDirectory
        let first: AdvisoryLock
        let second: AdvisoryLock

        init() throws {
            directory = try TemporaryDirectory(prefix: "rotor-platform")
            first = AdvisoryLock(descriptor: try PrivateFile.open(directory.path("lock"), flags: O_RDWR))
            second = AdvisoryLock(descriptor: try PrivateFile.open(directory.path("lock"), flags: O_RDWR))
        }

        func close() {
            PrivateFile.close(first.descriptor)
            PrivateFile.close(second.descriptor)
            directory.remove()
        }
    }

    /// One attempt never waits: it fails while the other holds the lock and succeeds once it is released.
    @Test func tryLockIsExclusive() throws {
        let holders = try Holders()
        defer { holders.close() }
        #expect(try holders.first.tryLock())
        #expect(try !holders.second.tryLock())
        holders.first.unlock()
        #expect(try holders.second.tryLock())
    }

    /// Waiting gives up after the timeout while the lock stays held, and takes it when it is free.
    @Test func blockingWaitIsBounded() throws {
        let holders = try Holders()
        defer { holders.close() }
        #expect(try holders.first.tryLock())
        let clock = ContinuousClock()
        let start = clock.now
        #expect(try !holders.second.lock(waitingAtMost: .milliseconds(60)))
        let waited = start.duration(to: clock.now)
        #expect(waited >= .milliseconds(60) && waited < .seconds(5), "\(waited)")
        holders.first.unlock()
        #expect(try holders.second.lock(waitingAtMost: .milliseconds(60)))
    }

    /// The async wait sleeps on the clock it is given: it gets the lock once the holder releases it, and gives up
    /// after the timeout otherwise.
    @Test func asyncWaitTakesTheLockWhenReleased() async throws {
        let holders = try Holders()
        defer { holders.close() }
        #expect(try holders.first.tryLock())
        #expect(try await !holders.second.lock(waitingAtMost: .milliseconds(30), clock: ContinuousClock()))
        let second = holders.second
        async let taken = second.lock(waitingAtMost: .seconds(10), clock: ContinuousClock())
        holders.first.unlock()
        #expect(try await taken)
    }

    /// Pauses start short and double up to a ceiling.
    @Test func pausesDoubleUpToTheLongest() {
        var pauses: [Duration] = []
        var previous: Duration?
        for _ in 0..<8 {
            let next = AdvisoryLock.Polling.standard.pause(after: previous)
            pauses.append(next)
            previous = next
        }
        #expect(pauses == [2, 4, 8, 16, 32, 50, 50, 50].map { .milliseconds($0) })
    }
}
