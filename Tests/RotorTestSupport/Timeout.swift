/// A bounded wait ran out of time.
public struct TimedOut: Error, CustomStringConvertible {
    /// How long the wait was allowed to take.
    public var limit: Duration
    /// What was awaited, as the failure names it.
    public var what: String

    /// A timeout of the wait for `what` after `limit`.
    public init(limit: Duration, what: String) {
        self.limit = limit
        self.what = what
    }

    /// The failure as a test prints it, e.g. `timed out after 10.0 seconds waiting for the device login`.
    public var description: String { "timed out after \(limit) waiting for \(what)" }
}

/// Runs `body`, cancelling it and throwing ``TimedOut`` if it takes longer than `limit`: every wait in a test is
/// bounded, so a defect fails the test instead of hanging the suite.
///
/// - Parameters:
///   - limit: how long `body` may take.
///   - what: what `body` waits for, named in the failure.
///   - body: the operation; it must end promptly when cancelled.
public func withTimeout<T: Sendable>(
    _ limit: Duration,
    waitingFor what: String = "the test's operation",
    _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else { throw TimedOut(limit: limit, what: what) }
        return value
    }
}
