import Foundation

/// Unsigned JWTs shaped like OpenAI's (the claims under `https://api.openai.com/auth`).
enum TestJWT {
    static func make(email: String?, accountID: String?, plan: String?, expiresAt: Date?, serial: Int = 0) -> String {
        var payload: [String: Any] = ["serial": serial]
        if let email { payload["email"] = email }
        if let expiresAt { payload["exp"] = Int(expiresAt.timeIntervalSince1970) }
        var auth: [String: Any] = [:]
        if let accountID { auth["chatgpt_account_id"] = accountID }
        if let plan { auth["chatgpt_plan_type"] = plan }
        if !auth.isEmpty { payload["https://api.openai.com/auth"] = auth }
        let header = #"{"alg":"none","typ":"JWT"}"#
        let body = try! JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys])
        return "\(encode(Data(header.utf8))).\(encode(body)).sig"
    }

    static func encode(_ data: Data) -> String {
        data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
