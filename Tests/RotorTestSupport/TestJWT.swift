import Foundation

/// Unsigned JWTs (`header.payload.signature`, each part base64url JSON without padding) for tests.
///
/// The tokens are never verified by rotor, only decoded, so the signature is a fixed placeholder.
public enum TestJWT {
    /// The header of every token: `{"alg":"none","typ":"JWT"}`.
    public static let header = #"{"alg":"none","typ":"JWT"}"#

    /// The placeholder signature of every token.
    public static let signature = "sig"

    /// A token whose payload holds `claims` (keys sorted, so equal claims give equal tokens).
    public static func make(_ claims: [String: Any]) -> String {
        "\(base64URL(Data(header.utf8))).\(encode(claims)).\(signature)"
    }

    /// A token shaped like OpenAI's: `email` and `exp` at the top, the account id and plan under
    /// `https://api.openai.com/auth`; `serial` makes otherwise equal tokens differ. A nil value leaves its claim out.
    public static func make(
        email: String?, accountID: String?, plan: String?, expiresAt: Date?, serial: Int = 0
    ) -> String {
        var payload: [String: Any] = ["serial": serial]
        if let email { payload["email"] = email }
        if let expiresAt { payload["exp"] = Int(expiresAt.timeIntervalSince1970) }
        var auth: [String: Any] = [:]
        if let accountID { auth["chatgpt_account_id"] = accountID }
        if let plan { auth["chatgpt_plan_type"] = plan }
        if !auth.isEmpty { payload["https://api.openai.com/auth"] = auth }
        return make(payload)
    }

    /// `object` as sorted-key JSON in base64url without padding: one part of a token.
    public static func encode(_ object: [String: Any]) -> String {
        base64URL(try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
    }

    /// `data` in base64url without padding.
    public static func base64URL(_ data: Data) -> String {
        data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
