/// When to poll a device login next, as a state machine with injected time and randomness.
///
/// Polls come every `interval`; a `slow_down` adds 5 s to it for good (RFC 8628 §3.5); a `Retry-After` is honoured
/// (never polling sooner than the interval while pending); other transient failures back off with jitter:
/// `interval + U(0, min(60 s, interval · 2^(n−1)))` after the n-th consecutive failure. Nothing is polled after the
/// budget (the code's lifetime); the last poll happens at its end.
public struct DevicePollSchedule: Sendable, Hashable {
    /// What just happened.
    public enum Event: Sendable, Hashable {
        /// The device code was issued; nothing polled yet.
        case started
        /// The login is not approved yet.
        case pending(retryAfter: Duration?)
        /// The server asks to poll less often.
        case slowDown(retryAfter: Duration?)
        /// The poll failed transiently.
        case retryableFailure(retryAfter: Duration?)
    }

    /// What to do next.
    public enum Action: Sendable, Hashable {
        /// Poll once this much time has passed.
        case poll(after: Duration)
        /// Give up: the code expired.
        case expire
    }

    /// The current wait between polls.
    public private(set) var interval: Duration
    /// How long the whole login may take, from the issue of the code.
    public let budget: Duration
    /// Transient failures since the last regular answer.
    public private(set) var consecutiveFailures = 0

    /// What a `slow_down` adds to the interval.
    public static let slowDownIncrement = Duration.seconds(5)
    /// The largest jitter added after transient failures.
    public static let maximumJitter = Duration.seconds(60)
    /// The interval is never shorter than this, whatever the server says.
    public static let minimumInterval = Duration.seconds(1)

    /// A schedule polling every `interval` (at least 1 s) for at most `budget`.
    public init(interval: Duration, budget: Duration) {
        self.interval = max(interval, Self.minimumInterval)
        self.budget = budget
    }

    /// The action after `event`, `elapsed` after the code was issued.
    public mutating func next(
        after event: Event,
        elapsed: Duration,
        using rng: inout some RandomNumberGenerator
    ) -> Action {
        let delay: Duration
        switch event {
        case .started:
            delay = interval
        case .pending(let retryAfter):
            consecutiveFailures = 0
            delay = max(interval, retryAfter ?? .zero)
        case .slowDown(let retryAfter):
            consecutiveFailures = 0
            interval += Self.slowDownIncrement
            delay = max(interval, retryAfter ?? .zero)
        case .retryableFailure(let retryAfter):
            consecutiveFailures += 1
            delay = retryAfter ?? interval + jitter(using: &rng)
        }
        guard elapsed < budget else { return .expire }
        return .poll(after: min(delay, budget - elapsed))
    }

    private func jitter(using rng: inout some RandomNumberGenerator) -> Duration {
        let exponent = min(consecutiveFailures - 1, 16)
        let cap = min(Self.maximumJitter, interval * (1 << exponent))
        let capNanoseconds = cap.components.seconds * 1_000_000_000 + cap.components.attoseconds / 1_000_000_000
        return .nanoseconds(Int64.random(in: 0...max(capNanoseconds, 0), using: &rng))
    }
}
