import HTTPTypes

/// The one place that decides what must never appear in a log line or an error description.
///
/// Redacts `Authorization`, `Proxy-Authorization`, cookies, `x-api-key`, every `*_token` / `*-token`, `code` and
/// `code_verifier`, whatever their case and whether they are headers, JSON members or metadata.
public enum LogRedaction {
    /// What a redacted value is replaced with.
    public static let placeholder = "***"

    /// Whether a value named `name` must be hidden.
    public static func isSensitive(_ name: String) -> Bool {
        var lowered = name.lowercased()
        if lowered.hasPrefix("rotor.") { lowered.removeFirst("rotor.".count) }
        switch lowered {
        case "authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "code", "code_verifier",
            "code-verifier", "secret", "proxy-secret":
            return true
        default:
            return lowered.hasSuffix("_token") || lowered.hasSuffix("-token") || lowered == "token"
        }
    }

    /// `value`, or the placeholder when `name` is sensitive.
    public static func redact(_ name: String, _ value: String) -> String {
        isSensitive(name) ? placeholder : value
    }

    /// `name: value` pairs of `fields`, sensitive values redacted, for a debug log line.
    public static func describe(_ fields: HTTPFields) -> String {
        fields.map { "\($0.name.canonicalName): \(redact($0.name.canonicalName, $0.value))" }.joined(separator: ", ")
    }
}
