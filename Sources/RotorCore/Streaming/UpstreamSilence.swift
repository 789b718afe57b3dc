/// How long the upstream has been silent, counted only while rotor waits for its bytes: the idle timeout's clock.
///
/// The relay alternates between reading the upstream and writing to the client; only the reads count, so a client
/// that reads slowly (or not at all for a while) never looks like a silent upstream. A read waits in steps of at
/// most ``step``, and a step counts for its own length however late it ends: a step that overruns means the process
/// was stopped (Ctrl-Z) or starved of CPU, not that the upstream was silent longer. The count starts again whenever
/// an event completes, so a trickle of partial bytes or keep-alive comments cannot keep a hung stream alive.
public struct UpstreamSilence: Hashable, Sendable {
    /// The longest silence allowed: the idle timeout.
    public let limit: Duration
    /// The longest single step of a wait: a tenth of the limit, at most a second.
    public let step: Duration
    /// The silence counted so far.
    public private(set) var counted: Duration = .zero

    /// A clock for the idle timeout `limit`, with nothing counted yet.
    public init(limit: Duration) {
        self.limit = limit
        self.step = min(limit / 10, .seconds(1))
    }

    /// How long the next step of a wait for upstream bytes may last, or `nil` when the silence has reached the
    /// limit: the idle timeout is over.
    public var nextStep: Duration? {
        counted >= limit ? nil : min(step, limit - counted)
    }

    /// A wait of `length` (a ``nextStep``) ended after `elapsed`, with or without bytes: it counts for what passed,
    /// never for more than its own length.
    public mutating func waited(_ elapsed: Duration, of length: Duration) {
        counted += max(.zero, min(elapsed, length))
    }

    /// An event (not a keep-alive) completed: the upstream is not silent.
    public mutating func eventCompleted() {
        counted = .zero
    }
}
