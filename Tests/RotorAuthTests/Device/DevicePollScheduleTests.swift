import Foundation
import RotorTestSupport
import Testing

@testable import RotorAuth

struct DevicePollScheduleTests {
    /// Polls every interval while pending; a longer Retry-After wins, a shorter one does not poll sooner.
    @Test func pendingFollowsTheIntervalAndRetryAfter() {
        var rng = SeededGenerator(seed: 1)
        var schedule = DevicePollSchedule(interval: .seconds(5), budget: .seconds(900))
        #expect(schedule.next(after: .started, elapsed: .zero, using: &rng) == .poll(after: .seconds(5)))
        #expect(
            schedule.next(after: .pending(retryAfter: nil), elapsed: .seconds(5), using: &rng)
                == .poll(after: .seconds(5)))
        #expect(
            schedule.next(after: .pending(retryAfter: .seconds(20)), elapsed: .seconds(10), using: &rng)
                == .poll(after: .seconds(20)))
        #expect(
            schedule.next(after: .pending(retryAfter: .seconds(1)), elapsed: .seconds(30), using: &rng)
                == .poll(after: .seconds(5)))
    }

    /// `slow_down` adds 5 s to the interval for good (RFC 8628 §3.5) and still honours Retry-After.
    @Test func slowDownWidensTheInterval() {
        var rng = SeededGenerator(seed: 1)
        var schedule = DevicePollSchedule(interval: .seconds(5), budget: .seconds(900))
        #expect(
            schedule.next(after: .slowDown(retryAfter: nil), elapsed: .seconds(5), using: &rng)
                == .poll(after: .seconds(10)))
        #expect(
            schedule.next(after: .pending(retryAfter: nil), elapsed: .seconds(15), using: &rng)
                == .poll(after: .seconds(10)))
        #expect(
            schedule.next(after: .slowDown(retryAfter: .seconds(30)), elapsed: .seconds(25), using: &rng)
                == .poll(after: .seconds(30)))
        #expect(schedule.interval == .seconds(15))
    }

    /// Transient failures wait the interval plus a jitter that grows with each failure up to 60 s; Retry-After wins;
    /// a regular answer resets the count.
    @Test func transientFailuresBackOffWithJitter() {
        var rng = SeededGenerator(seed: 42)
        var schedule = DevicePollSchedule(interval: .seconds(5), budget: .seconds(900))
        var delays: [Duration] = []
        for failure in 1...6 {
            guard
                case .poll(let delay) = schedule.next(
                    after: .retryableFailure(retryAfter: nil), elapsed: .seconds(10), using: &rng)
            else {
                Issue.record("failure \(failure) must poll again")
                return
            }
            let cap = min(Duration.seconds(60), .seconds(5) * (1 << (failure - 1)))
            #expect(delay >= .seconds(5) && delay <= .seconds(5) + cap)
            delays.append(delay)
        }
        #expect(Set(delays).count > 1)
        #expect(schedule.consecutiveFailures == 6)
        #expect(
            schedule.next(after: .retryableFailure(retryAfter: .seconds(2)), elapsed: .seconds(10), using: &rng)
                == .poll(after: .seconds(2)))
        _ = schedule.next(after: .pending(retryAfter: nil), elapsed: .seconds(12), using: &rng)
        #expect(schedule.consecutiveFailures == 0)
    }

    /// The last poll happens at the end of the budget; after it, the code has expired.
    @Test func expiresAtTheBudget() {
        var rng = SeededGenerator(seed: 1)
        var schedule = DevicePollSchedule(interval: .seconds(5), budget: .seconds(12))
        #expect(
            schedule.next(after: .pending(retryAfter: nil), elapsed: .seconds(10), using: &rng)
                == .poll(after: .seconds(2)))
        #expect(schedule.next(after: .pending(retryAfter: nil), elapsed: .seconds(12), using: &rng) == .expire)
    }

    /// An interval of 0 from the server still waits a second between polls.
    @Test func intervalHasAFloor() {
        var rng = SeededGenerator(seed: 1)
        var schedule = DevicePollSchedule(interval: .zero, budget: .seconds(60))
        #expect(schedule.next(after: .started, elapsed: .zero, using: &rng) == .poll(after: .seconds(1)))
    }
}
