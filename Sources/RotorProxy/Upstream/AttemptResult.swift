/// What one upstream attempt produced, decided before anything reached the client.
public enum AttemptResult: Sendable {
    /// The upstream answered 2xx and its first SSE event is not a failure: the commit point. Nothing has gone to
    /// the client yet; relaying the stream commits the request to this account.
    case ready(UpstreamStream)
    /// The attempt failed before anything reached the client; another account may be tried.
    case failed(AttemptFailure)
}
