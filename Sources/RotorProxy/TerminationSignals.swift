import UnixSignals

/// The signals that stop a foreground `rotor proxy`: SIGINT and SIGTERM.
///
/// Trap them before announcing readiness, so that a signal sent right after the ready line stops the proxy
/// gracefully instead of killing the process.
public struct TerminationSignals: Sendable {
    private let signals: UnixSignalsSequence

    /// Starts trapping SIGINT and SIGTERM: from now on they end ``wait()`` instead of the process.
    public static func trap() async -> TerminationSignals {
        TerminationSignals(signals: await UnixSignalsSequence(trapping: .sigint, .sigterm))
    }

    /// Returns when one of the signals arrives (or the task is cancelled).
    public func wait() async {
        for await _ in signals { return }
    }
}
