#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Everything an upstream answer says about when its account may be used again, parsed once.
///
/// Built from an error response (status, headers, body) or from a `response.failed` first event; the
/// ``CooldownPolicy`` turns it into a deadline with the precedence of docs/routing.md. Every deadline here is
/// already clamped to [now, now + 7 days].
public struct RateLimitSignal: Hashable, Sendable {
    /// The body's `error` object, when the body had one.
    public var error: UpstreamError?
    /// The usage windows from the `x-codex-*` headers, when present (source ``UsageSource/errorAnswer``).
    public var usage: UsageSnapshot?
    /// The deadline from `retry-after-ms` or `Retry-After`.
    public var retryAfter: Date?

    /// Creates a signal from its parts.
    public init(error: UpstreamError? = nil, usage: UsageSnapshot? = nil, retryAfter: Date? = nil) {
        self.error = error
        self.usage = usage
        self.retryAfter = retryAfter
    }

    /// Parses an upstream answer's headers and body (or a `response.failed` event's JSON as `body`).
    public init(headers: HeaderFields, body: [UInt8], now: Date) {
        self.init(
            error: UpstreamError(json: body, now: now),
            usage: UsageSnapshot(headers: headers, observedAt: now, source: .errorAnswer),
            retryAfter: RetryAfter.deadline(headers: headers, now: now)
        )
    }

    /// The error kind named by the body, `.other` when there is no body error.
    public var kind: UpstreamErrorKind { error?.kind ?? .other }
}
