/// The error a request body ends with when the client paused longer than the body timeout; the responder answers
/// it with 408.
struct RequestBodyStalled: Error {
    /// The body timeout that ran out.
    var limit: Duration
}
