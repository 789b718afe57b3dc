/// Per-account exponential backoff with jitter, used when no upstream signal says how long to wait.
///
/// The delay before the next try is drawn from `min(cap, base · 2^n)`, n being the account's consecutive failures
/// (reset by a success): full jitter `U(0, d)` (as AWS SDKs do) spreads retries best; equal jitter
/// `d/2 + U(0, d/2)` keeps a floor where trying early is known to be wasted (a usage limit).
public struct Backoff: Hashable, Sendable {
    /// How the delay is drawn below its ceiling.
    public enum Jitter: Hashable, Sendable {
        /// `U(0, d)`.
        case full
        /// `d/2 + U(0, d/2)`.
        case equal
    }

    /// The ceiling after the first failure.
    public var base: Duration
    /// The largest ceiling, whatever the number of failures.
    public var cap: Duration
    /// How the delay is drawn.
    public var jitter: Jitter

    /// Creates a backoff family.
    public init(base: Duration, cap: Duration, jitter: Jitter) {
        self.base = base
        self.cap = cap
        self.jitter = jitter
    }

    /// Connection refused or reset, TLS failure, an overloaded upstream: full jitter, base 1 s, cap 60 s.
    public static let connection = Backoff(base: .seconds(1), cap: .seconds(60), jitter: .full)
    /// No response head within the header timeout, or silence before the first event: a hung upstream stalls every
    /// request that tries it, so full jitter, base 30 s, cap 10 min.
    public static let timeout = Backoff(base: .seconds(30), cap: .seconds(600), jitter: .full)
    /// A rate limit without any hint: full jitter, base 5 s, cap 5 min.
    public static let rateLimit = Backoff(base: .seconds(5), cap: .seconds(300), jitter: .full)
    /// A usage limit without any reset: equal jitter, base 5 min, cap 1 h.
    public static let usageLimit = Backoff(base: .seconds(300), cap: .seconds(3_600), jitter: .equal)

    /// The ceiling `min(cap, base · 2^n)` for `consecutiveFailures` = n (negative counts read as 0).
    public func ceiling(consecutiveFailures: Int) -> Duration {
        let capSeconds = max(0, cap.timeInterval)
        let exponent = Double(min(max(consecutiveFailures, 0), 64))
        let seconds = min(capSeconds, max(0, base.timeInterval) * Double.pow2(exponent))
        return .seconds(seconds)
    }

    /// A delay drawn for `consecutiveFailures` = n; always within [0, cap].
    public func delay(consecutiveFailures: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        let ceiling = ceiling(consecutiveFailures: consecutiveFailures).timeInterval
        guard ceiling > 0 else { return .zero }
        switch jitter {
        case .full:
            return .seconds(Double.random(in: 0...ceiling, using: &generator))
        case .equal:
            return .seconds(ceiling / 2 + Double.random(in: 0...(ceiling / 2), using: &generator))
        }
    }
}

extension Double {
    /// 2^exponent for a small non-negative whole exponent, without Foundation's `pow`.
    fileprivate static func pow2(_ exponent: Double) -> Double {
        Double(sign: .plus, exponent: Int(exponent), significand: 1)
    }
}
