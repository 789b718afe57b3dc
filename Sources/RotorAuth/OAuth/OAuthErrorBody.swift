import Foundation

/// Reads the error code from an OAuth endpoint's error answer.
///
/// Servers spell it three ways: `{"error":"invalid_grant"}` (RFC 6749), `{"error":{"code":"refresh_token_reused"}}`
/// (OpenAI), and a top-level `{"code":"…"}`. Only the code is read: descriptions are never shown or logged, as a
/// server may echo what it was sent.
enum OAuthErrorBody {
    /// The error code in `body`, or `nil` when it carries none.
    static func code(in body: Data) -> String? {
        guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else { return nil }
        if let error = object["error"] as? String, !error.isEmpty { return error }
        if let error = object["error"] as? [String: Any] {
            if let code = error["code"] as? String, !code.isEmpty { return code }
            if let type = error["type"] as? String, !type.isEmpty { return type }
        }
        if let code = object["code"] as? String, !code.isEmpty { return code }
        return nil
    }
}
