import HummingbirdCore

/// Holds the connection's response writer until the code that answers takes it.
///
/// `ResponseWriter` is non-copyable, and the answer is written inside a task that is cancelled when the client
/// goes away; the slot moves the writer into it. `@unchecked Sendable`: the writer is taken exactly once, by that
/// task, and the slot is never touched again.
final class ResponseWriterSlot: @unchecked Sendable {
    private var writer: ResponseWriter?

    init(_ writer: consuming ResponseWriter) {
        self.writer = consume writer
    }

    /// The writer; taking it twice is a bug in rotor.
    func take() -> ResponseWriter {
        guard let writer = writer.take() else { preconditionFailure("the response writer was already taken") }
        return writer
    }
}
