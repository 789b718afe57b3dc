/// Where a login reads what the user pastes.
public protocol LoginInput: Sendable {
    /// The next line without its line break, or `nil` at the end of the input. Must return promptly when the
    /// calling task is cancelled (by throwing `CancellationError`).
    func readLine() async throws -> String?
}
