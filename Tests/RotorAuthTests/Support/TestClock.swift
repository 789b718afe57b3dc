import Synchronization

/// A clock whose sleeps return at once, moving its time forward; it records every sleep.
final class TestClock: Clock {
    struct Instant: InstantProtocol {
        var offset: Duration

        func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        func duration(to other: Instant) -> Duration { other.offset - offset }
        static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private let state = Mutex<(now: Instant, sleeps: [Duration])>((Instant(offset: .zero), []))

    var now: Instant { state.withLock { $0.now } }
    var minimumResolution: Duration { .zero }
    /// Every sleep so far, in order.
    var sleeps: [Duration] { state.withLock { $0.sleeps } }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        try Task.checkCancellation()
        state.withLock { state in
            state.sleeps.append(state.now.duration(to: deadline))
            if state.now < deadline { state.now = deadline }
        }
    }
}

/// A real clock that reports each sleep before it starts: how a test learns that a caller is waiting.
final class SignallingClock: Clock {
    typealias Instant = ContinuousClock.Instant

    let sleeps: AsyncStream<Duration>
    private let continuation: AsyncStream<Duration>.Continuation

    init() {
        (sleeps, continuation) = AsyncStream.makeStream(of: Duration.self)
    }

    var now: Instant { ContinuousClock.now }
    var minimumResolution: Duration { ContinuousClock().minimumResolution }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        continuation.yield(ContinuousClock.now.duration(to: deadline))
        try await ContinuousClock().sleep(until: deadline, tolerance: tolerance)
    }

    /// Waits (at most 10 s) until something sleeps on this clock.
    func firstSleep() async throws {
        let sleeps = self.sleeps
        _ = try await Bounded.wait("a sleep on the clock") {
            for await duration in sleeps { return duration }
            throw CancellationError()
        }
    }
}
