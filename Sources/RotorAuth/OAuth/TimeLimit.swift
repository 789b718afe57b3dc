/// Runs an operation that must finish within a time span.
enum TimeLimit {
    /// The operation did not finish in time and was cancelled.
    struct Exceeded: Error, CustomStringConvertible {
        var limit: Duration
        var description: String { "no answer within \(limit)" }
    }

    /// The result of `operation`, or ``Exceeded`` once `limit` has passed on `clock` (the operation is cancelled).
    static func run<T: Sendable>(
        _ limit: Duration,
        clock: some Clock<Duration> = ContinuousClock(),
        _ operation: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                try await clock.sleep(for: limit)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else { throw Exceeded(limit: limit) }
            return value
        }
    }
}
