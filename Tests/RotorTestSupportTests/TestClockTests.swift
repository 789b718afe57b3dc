import Foundation
import RotorTestSupport
import Synchronization
import Testing

/// The test clock wakes exactly the sleepers whose deadlines it passes, never sleeps for real, resumes a cancelled
/// sleeper with `CancellationError`, and its wall time follows it.
struct TestClockTests {
    /// Advancing wakes the sleepers now due, and only those; advancing further wakes the rest.
    @Test func advanceResumesExactlyTheDueSleepers() async throws {
        let clock = TestClock()
        let woken = WakeLog()
        try await withTimeout(.seconds(10)) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for seconds in [5, 10, 20] {
                    group.addTask {
                        try await clock.sleep(for: .seconds(seconds))
                        woken.append(seconds)
                    }
                }
                let deadlines = try await clock.waitForSleepers(count: 3)
                #expect(deadlines.map(\.offset) == [.seconds(5), .seconds(10), .seconds(20)])

                clock.advance(by: .seconds(10))
                try await group.next()
                try await group.next()
                #expect(Set(woken.values) == [5, 10])
                #expect(clock.sleepers.map(\.offset) == [.seconds(20)])

                clock.advance(by: .seconds(9))
                #expect(clock.sleepers.map(\.offset) == [.seconds(20)])
                clock.advance(to: TestClock.Instant(offset: .seconds(20)))
                try await group.next()
                #expect(woken.values.sorted() == [5, 10, 20])
                #expect(clock.sleepers.isEmpty)
            }
        }
        #expect(clock.now.offset == .seconds(20))
        #expect(clock.sleeps == [.seconds(5), .seconds(10), .seconds(20)])
    }

    /// A deadline already reached returns at once and does not count as a sleeper.
    @Test func pastDeadlineReturnsAtOnce() async throws {
        let clock = TestClock()
        clock.advance(by: .seconds(3))
        try await withTimeout(.seconds(10)) {
            try await clock.sleep(until: TestClock.Instant(offset: .seconds(2)))
            try await clock.sleep(for: .zero)
        }
        #expect(clock.sleepers.isEmpty)
        #expect(clock.sleeps == [.seconds(-1), .zero])
    }

    /// Cancelling a sleeping task resumes it with `CancellationError` without moving the clock; a task already
    /// cancelled does not sleep at all.
    @Test func cancellationResumesTheSleeperWithCancellationError() async throws {
        let clock = TestClock()
        let outcome = try await withTimeout(.seconds(10)) {
            let sleeper = Task { () -> String in
                do {
                    try await clock.sleep(for: .seconds(60))
                    return "woke"
                } catch {
                    return "\(type(of: error))"
                }
            }
            try await clock.waitForSleepers()
            sleeper.cancel()
            return await sleeper.value
        }
        #expect(outcome == "CancellationError")
        #expect(clock.sleepers.isEmpty)
        #expect(clock.now.offset == .zero)

        let cancelledFirst = Task { () -> String in
            withUnsafeCurrentTask { $0?.cancel() }
            do {
                try await clock.sleep(for: .seconds(1))
                return "woke"
            } catch {
                return "\(type(of: error))"
            }
        }
        #expect(await cancelledFirst.value == "CancellationError")
    }

    /// The wall time is the start date plus how far the clock has been advanced.
    @Test func wallTimeFollowsTheClock() {
        let start = Date(timeIntervalSince1970: 1_700_000_000)
        let clock = TestClock(startDate: start)
        #expect(clock.date == start)
        clock.advance(by: .milliseconds(1500))
        #expect(clock.date == start.addingTimeInterval(1.5))
        clock.advance(to: TestClock.Instant(offset: .seconds(90)))
        #expect(clock.date == start.addingTimeInterval(90))
        clock.advance(to: TestClock.Instant(offset: .seconds(10)))
        #expect(clock.date == start.addingTimeInterval(90))
    }

    /// Waiting for a sleeper that never comes fails after its bound instead of hanging.
    @Test func waitingForASleeperIsBounded() async {
        let clock = TestClock()
        await #expect(throws: TimedOut.self) { try await clock.waitForSleepers(within: .milliseconds(50)) }
    }

    /// `advancingSleepers` runs a sleeping loop through at once, in order, and the clock ends at the last deadline.
    @Test func advancingSleepersRunsThroughSleeps() async throws {
        let clock = TestClock()
        let elapsed = try await withTimeout(.seconds(10)) {
            try await clock.advancingSleepers {
                let start = clock.now
                for seconds in [5, 10, 17] { try await clock.sleep(for: .seconds(seconds)) }
                return start.duration(to: clock.now)
            }
        }
        #expect(elapsed == .seconds(32))
        #expect(clock.sleeps == [.seconds(5), .seconds(10), .seconds(17)])
    }
}

/// Which sleepers have woken, from any task.
private final class WakeLog: Sendable {
    private let state = Mutex<[Int]>([])
    var values: [Int] { state.withLock { $0 } }
    func append(_ value: Int) { state.withLock { $0.append(value) } }
}
