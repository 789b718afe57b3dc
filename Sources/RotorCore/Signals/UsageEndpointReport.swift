#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// What the usage endpoint (`GET /backend-api/wham/usage`, the one Codex's `/status` reads) reports for an account:
/// its plan and its usage windows, read without spending a model request.
///
/// The body is `{"plan_type": "plus", "rate_limit": {"primary_window": {…}, "secondary_window": {…}}, …}`; each
/// window has `used_percent`, `limit_window_seconds`, `reset_at` (unix seconds) and `reset_after_seconds`. The
/// windows keep the positions they arrived in; a window that is missing, `null` or without a readable used
/// percentage is absent.
public struct UsageEndpointReport: Hashable, Sendable {
    /// The account's plan (`plan_type`: `plus`, `pro`, `team`, …), when reported.
    public var plan: String?
    /// The windows, with source ``UsageSource/refresh``.
    public var usage: UsageSnapshot

    /// Creates a report from its parts.
    public init(plan: String?, usage: UsageSnapshot) {
        self.plan = plan
        self.usage = usage
    }

    /// Why a body is not a usage report.
    public enum ParseError: Error, Hashable, Sendable, CustomStringConvertible {
        /// The body is not a JSON object.
        case notAnObject
        /// The object has neither a `rate_limit` object nor a `plan_type`.
        case noUsage

        public var description: String {
            switch self {
            case .notAnObject: "the usage endpoint's answer is not a JSON object"
            case .noUsage: "the usage endpoint's answer has no rate limits"
            }
        }
    }

    /// Reads the endpoint's body as seen at `now`: a window's length is `limit_window_seconds` / 60, its reset
    /// `reset_at`, else `now` + `reset_after_seconds` (clamped to 7 days like every server-given reset).
    /// - Throws: ``ParseError`` when the body is not a JSON object or says nothing about usage.
    public init(json bytes: [UInt8], observedAt now: Date) throws(ParseError) {
        guard let document = JSONValue.parse(bytes), case .object = document else { throw .notAnObject }
        let plan = document["plan_type"]?.string
        let limits = document["rate_limit"]
        let hasLimits = if case .object = limits { true } else { false }
        guard hasLimits || plan != nil else { throw .noUsage }
        func window(_ name: String) -> UsageWindow? {
            guard let object = limits?[name] else { return nil }
            return UsageSnapshot.window(
                usedPercent: object["used_percent"]?.number,
                windowMinutes: object["limit_window_seconds"]?.number.map { $0 / 60 },
                resetAt: object["reset_at"]?.number,
                resetAfterSeconds: object["reset_after_seconds"]?.number,
                now: now
            )
        }
        self.init(
            plan: plan,
            usage: UsageSnapshot(primary: window("primary_window"), secondary: window("secondary_window"),
                                 observedAt: now, source: .refresh)
        )
    }
}
