/// Reads the authorization server's answer (the redirect's query parameters) into a code or a login failure.
///
/// One rule for the browser callback and for a pasted URL: the `state` must be this login's (compared in constant
/// time), then an `error` fails the login with the server's words, then the `code` must be present.
enum AuthorizationResponse {
    /// The authorization code, or why the login failed.
    static func code(from parameters: [(String, String)], expectedState: String) -> Result<String, LoginError> {
        guard let state = FormURLEncoding.value("state", in: parameters),
            ConstantTimeText.equal(state, expectedState)
        else {
            return .failure(.stateMismatch)
        }
        if let error = FormURLEncoding.value("error", in: parameters) {
            let description = FormURLEncoding.value("error_description", in: parameters)
            return .failure(.authorizationDenied(error: error, description: description))
        }
        guard let code = FormURLEncoding.value("code", in: parameters), !code.isEmpty else {
            return .failure(.missingCode)
        }
        return .success(code)
    }
}

/// Equality of secret text in time that depends only on the lengths, never on where the texts differ.
enum ConstantTimeText {
    /// Whether `lhs` and `rhs` are the same UTF-8 bytes.
    static func equal(_ lhs: String, _ rhs: String) -> Bool {
        let left = Array(lhs.utf8)
        let right = Array(rhs.utf8)
        var difference: UInt8 = left.count == right.count ? 0 : 1
        for index in 0..<max(left.count, right.count) {
            difference |= (index < left.count ? left[index] : 0) ^ (index < right.count ? right[index] : 0)
        }
        return difference == 0
    }
}
