#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An HTTP answer the proxy gives itself, without asking upstream: status, `Retry-After`, exact JSON body bytes.
public struct ProxyAnswer: Hashable, Sendable {
    /// The HTTP status.
    public var status: Int
    /// Whole seconds for the `Retry-After` header, when one is sent (always ≥ 1).
    public var retryAfterSeconds: Int?
    /// The JSON body, exactly as it goes on the wire.
    public var body: [UInt8]

    /// Creates an answer.
    public init(status: Int, retryAfterSeconds: Int? = nil, body: [UInt8]) {
        self.status = status
        self.retryAfterSeconds = retryAfterSeconds
        self.body = body
    }

    /// The response headers: `content-type: application/json` and, when set, `retry-after`.
    public var headers: HeaderFields {
        var fields: HeaderFields = [(name: "content-type", value: "application/json")]
        if let retryAfterSeconds { fields.append((name: "retry-after", value: String(retryAfterSeconds))) }
        return fields
    }

    /// An OpenAI-style error answer `{"error":{"code":…,"message":…,"resets_at":…,"type":…}}`, keys sorted.
    static func error(
        status: Int,
        type: String,
        code: String?,
        message: String,
        resetsAt: Int? = nil,
        retryAfterSeconds: Int? = nil
    ) -> ProxyAnswer {
        let envelope = Envelope(error: .init(type: type, code: code, message: message, resetsAt: resetsAt))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding plain strings and integers cannot fail; an empty body would still be a valid answer.
        let body = (try? encoder.encode(envelope)).map { [UInt8]($0) } ?? []
        return ProxyAnswer(status: status, retryAfterSeconds: retryAfterSeconds, body: body)
    }

    private struct Envelope: Encodable {
        struct ErrorObject: Encodable {
            var type: String
            var code: String?
            var message: String
            var resetsAt: Int?

            enum CodingKeys: String, CodingKey {
                case type, code, message
                case resetsAt = "resets_at"
            }
        }

        var error: ErrorObject
    }
}
