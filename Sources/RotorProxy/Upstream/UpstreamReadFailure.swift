/// Why reading the upstream body stopped early.
public enum UpstreamReadFailure: Error, Hashable, Sendable, CustomStringConvertible {
    /// No SSE event arrived within the idle timeout (counted only while rotor waited for the upstream).
    case idleTimeout
    /// The connection failed; the text says how.
    case transport(String)
    /// One event exceeded the parser's limit.
    case eventTooLarge
    /// The read was cancelled because the client went away: nothing the upstream did.
    case cancelled

    public var description: String {
        switch self {
        case .idleTimeout: "no event within the idle timeout"
        case .transport(let reason): reason
        case .eventTooLarge: "an upstream event was too large"
        case .cancelled: "the client went away"
        }
    }
}
