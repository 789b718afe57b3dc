/// The life of one client connection to the proxy, as plain values: which of the client's waits is bounded by
/// which timer, and what happens when a timer runs out.
///
/// The shell (a channel handler) reports what happens on the connection to a ``StateMachine`` — bytes arrived, a
/// request head, body piece or end was decoded, a response head, body piece or end is being written, a timer ran
/// out — and does what it answers. The machine never reads a clock: it names the ``Timer`` to start, and the shell
/// knows how long each one runs.
public enum InboundConnection {
    /// The timers that bound how long a client may keep rotor waiting.
    public enum Timer: Hashable, Sendable {
        /// Until a complete request head: from the connection's start for its first request, from the first byte
        /// of the head for a later one.
        case requestHead
        /// From the end of an exchange to the first byte of the next request on a kept-alive connection.
        case keepAlive
        /// Between two pieces of a request body (a body may take as long as it keeps coming).
        case requestBody
    }

    /// What the shell does about the connection's timer and the connection itself.
    public enum Action: Hashable, Sendable {
        /// Nothing; a running timer keeps running.
        case none
        /// Start this timer, replacing any running one.
        case startTimer(Timer)
        /// Stop the running timer: the client keeps rotor waiting no more (rotor itself is answering).
        case stopTimer
        /// Close the connection now, without an answer.
        case close
        /// End the request body with a timeout error, so that the responder waiting for it answers 408; the
        /// connection closes once that answer has been written.
        case failRequestBody
    }

    /// What becomes of a decoded request part.
    public enum ReadDecision: Hashable, Sendable {
        /// Pass the part on, and do `Action`.
        case deliver(Action)
        /// Drop the part: the connection is closing.
        case drop
    }

    /// What becomes of a response part being written.
    public enum WriteDecision: Hashable, Sendable {
        /// Write the part, and do `Action`.
        case write(Action)
        /// Write the part, stop the timer, and close the connection once the part has been written.
        case writeThenClose
        /// Fail the write: the connection is closing.
        case fail
    }
}
