import Foundation

/// Builds unsigned JWTs (header.payload.signature, base64url JSON without padding) for tests.
enum TestJWT {
    static func make(_ claims: [String: Any]) -> String {
        "\(encode(["alg": "none", "typ": "JWT"])).\(encode(claims)).signature"
    }

    static func encode(_ object: [String: Any]) -> String {
        base64URL(try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
