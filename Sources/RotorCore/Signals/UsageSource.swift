/// Where rotor saw a usage snapshot. The raw values are stable: they are stored with the usage history and printed.
public enum UsageSource: String, Hashable, Sendable, Codable, CaseIterable {
    /// `headers`: the `x-codex-*` headers of an upstream answer that served a request.
    case responseHeaders = "headers"
    /// `error-answer`: the `x-codex-*` headers of an upstream answer that failed a request (a 429 usage limit, a
    /// `response.failed` first event, a refusal that disabled the account, a stream that went silent).
    case errorAnswer = "error-answer"
    /// `stream-event`: a `codex.rate_limits` event in a response stream.
    case streamEvent = "stream-event"
    /// `refresh`: the usage endpoint, asked by `rotor status --refresh` without spending a model request.
    case refresh
}
