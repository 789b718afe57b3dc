import Foundation
import Synchronization

/// A clock that never really sleeps: a task sleeping on it stays suspended until the test moves the clock past its
/// deadline with ``advance(by:)`` or ``advance(to:)``.
///
/// Tests await events on it (``waitForSleepers(count:within:)``) instead of sleeping themselves. Cancelling a
/// sleeping task resumes it at once with `CancellationError`. Its wall time, ``date``, is a fixed start date plus
/// the time the clock has been advanced.
public final class TestClock: Clock, Sendable {
    /// A point on the clock: how far it lies past the clock's start.
    public struct Instant: InstantProtocol, Sendable, Hashable, CustomStringConvertible {
        /// The time since the clock's start.
        public var offset: Duration

        /// The instant `offset` after the clock's start.
        public init(offset: Duration) {
            self.offset = offset
        }

        /// The instant `duration` after this one.
        public func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        /// The time from this instant to `other` (negative if `other` is earlier).
        public func duration(to other: Instant) -> Duration { other.offset - offset }
        /// Whether `lhs` comes before `rhs`.
        public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
        /// The instant as its offset from the clock's start.
        public var description: String { "start + \(offset)" }
    }

    private struct Sleeper {
        var deadline: Instant
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now = Instant(offset: .zero)
        var sleeps: [Duration] = []
        var nextID = 0
        var sleepers: [Int: Sleeper] = [:]
        /// Tasks in `waitForSleepers`, resumed whenever a sleeper arrives.
        var watchers: [Int: CheckedContinuation<Void, Never>] = [:]
    }

    private let state = Mutex(State())

    /// The wall time at the clock's start.
    public let startDate: Date

    /// A clock at its start, whose wall time starts at `startDate`.
    public init(startDate: Date = Date(timeIntervalSince1970: 1_800_000_000)) {
        self.startDate = startDate
    }

    /// The clock's current instant: its start plus every advance so far.
    public var now: Instant { state.withLock { $0.now } }

    /// Zero: the clock moves only by the amounts a test advances it.
    public var minimumResolution: Duration { .zero }

    /// The wall time: the start date plus the time the clock has been advanced. (It is not called `now`: that is
    /// the clock's `Instant`, as `Clock` requires.)
    public var date: Date {
        startDate.addingTimeInterval(Self.seconds(now.offset))
    }

    /// Every sleep so far, in order: how far each deadline lay ahead of the clock when the sleep began (negative or
    /// zero for a deadline already passed).
    public var sleeps: [Duration] { state.withLock { $0.sleeps } }

    /// The deadlines of the tasks sleeping now, earliest first.
    public var sleepers: [Instant] {
        state.withLock { $0.sleepers.values.map(\.deadline) }.sorted()
    }

    /// Suspends until the clock has been advanced to `deadline`; returns at once if it already has. Throws
    /// `CancellationError` if the task is (or gets) cancelled.
    public func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        try Task.checkCancellation()
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let (outcome, watchers) = state.withLock { state -> (Result<Void, any Error>?, [CheckedContinuation<Void, Never>]) in
                    state.sleeps.append(state.now.duration(to: deadline))
                    if Task.isCancelled { return (.failure(CancellationError()), []) }
                    if deadline <= state.now { return (.success(()), []) }
                    state.sleepers[id] = Sleeper(deadline: deadline, continuation: continuation)
                    defer { state.watchers = [:] }
                    return (nil, Array(state.watchers.values))
                }
                if let outcome { continuation.resume(with: outcome) }
                for watcher in watchers { watcher.resume() }
            }
        } onCancel: {
            state.withLock { $0.sleepers.removeValue(forKey: id) }?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves the clock forward by `duration` and wakes every sleeper whose deadline it reaches.
    public func advance(by duration: Duration) {
        precondition(duration >= .zero, "a clock does not go back")
        advance(to: now.advanced(by: duration))
    }

    /// Moves the clock to `instant` (if that is later than now) and wakes every sleeper whose deadline it reaches.
    public func advance(to instant: Instant) {
        let due = state.withLock { state in
            if state.now < instant { state.now = instant }
            let due = state.sleepers.filter { $0.value.deadline <= state.now }
            for id in due.keys { state.sleepers.removeValue(forKey: id) }
            return due.values.map(\.continuation)
        }
        for sleeper in due { sleeper.resume() }
    }

    /// Waits until at least `count` tasks sleep on the clock and returns their deadlines, earliest first; throws
    /// ``TimedOut`` after `limit` of real time.
    @discardableResult
    public func waitForSleepers(count: Int = 1, within limit: Duration = .seconds(10)) async throws -> [Instant] {
        try await withTimeout(limit, waitingFor: "\(count) sleeper(s) on the test clock") {
            try await self.sleepersArriving(count: count)
        }
    }

    /// Waits (bounded like ``waitForSleepers(count:within:)``) until a task sleeps on the clock, then advances the
    /// clock to the earliest deadline, waking that sleeper (and any other then due).
    public func advanceToNextSleeper(within limit: Duration = .seconds(10)) async throws {
        let deadlines = try await waitForSleepers(within: limit)
        if let next = deadlines.first { advance(to: next) }
    }

    /// Runs `body` while advancing the clock to each sleeper's deadline as soon as it sleeps, so that the code
    /// under test runs through its sleeps at once, in deadline order, while its clock still moves.
    public func advancingSleepers<T: Sendable>(
        _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                while true {
                    let deadlines = try await self.sleepersArriving(count: 1)
                    if let next = deadlines.first { self.advance(to: next) }
                }
            }
            defer { group.cancelAll() }
            while let result = try await group.next() {
                if let value = result { return value }
            }
            throw CancellationError()
        }
    }

    /// Returns the sleepers' deadlines once there are at least `count`; throws `CancellationError` when cancelled.
    private func sleepersArriving(count: Int) async throws -> [Instant] {
        while true {
            try Task.checkCancellation()
            let deadlines = state.withLock { state in
                state.sleepers.count >= count ? state.sleepers.values.map(\.deadline).sorted() : nil
            }
            if let deadlines { return deadlines }
            await nextArrival(ifFewerThan: count)
        }
    }

    /// Returns when a task starts sleeping, at once if `count` already sleep, or when the calling task is cancelled.
    private func nextArrival(ifFewerThan count: Int) async {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let passes = state.withLock { state in
                    if state.sleepers.count >= count || Task.isCancelled { return true }
                    state.watchers[id] = continuation
                    return false
                }
                if passes { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.watchers.removeValue(forKey: id) }?.resume()
        }
    }

    private static func seconds(_ duration: Duration) -> TimeInterval {
        let (seconds, attoseconds) = duration.components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
