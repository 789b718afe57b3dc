import Foundation

/// The proxy's one source of time, injected so that tests drive it with one test clock.
///
/// Two readings, because they answer different questions: `now` is wall time, because cooldowns are deadlines shared
/// with other rotor processes and compared with the server's reset times; `clock` measures sleeps and timeouts. Each
/// event of a request reads `now` once.
public struct TimeSource: Sendable {
    /// The current wall time.
    public var now: @Sendable () -> Date
    /// The clock sleeps and waits run on.
    public var clock: any Clock<Duration>

    /// A time source from a wall-time reading and a clock.
    public init(now: @escaping @Sendable () -> Date, clock: any Clock<Duration>) {
        self.now = now
        self.clock = clock
    }

    /// The system's wall time and its continuous clock.
    public static let system = TimeSource(now: { Date() }, clock: ContinuousClock())
}
