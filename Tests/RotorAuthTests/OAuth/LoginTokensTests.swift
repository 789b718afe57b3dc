import Foundation
import Testing

@testable import RotorAuth

struct LoginTokensTests {
    /// A complete answer is accepted; `expires_in` may be a number or a string.
    @Test(arguments: [#""expires_in":3600"#, #""expires_in":"3600""#])
    func acceptsCompleteAnswer(_ expiry: String) throws {
        let body = #"{"id_token":"i","access_token":"a","refresh_token":"r",\#(expiry)}"#
        let tokens = try LoginTokens.parse(Data(body.utf8))
        #expect(tokens == LoginTokens(idToken: "i", accessToken: "a", refreshToken: "r", expiresIn: .seconds(3600)))
    }

    /// Without `expires_in` the tokens are still good.
    @Test func expiresInIsOptional() throws {
        let tokens = try LoginTokens.parse(Data(#"{"id_token":"i","access_token":"a","refresh_token":"r"}"#.utf8))
        #expect(tokens.expiresIn == nil)
    }

    /// Missing or empty tokens and a non-positive `expires_in` are refused, naming the problem and no token.
    @Test(arguments: [
        (#"{"id_token":"i","refresh_token":"r"}"#, "no access_token"),
        (#"{"id_token":"i","access_token":"","refresh_token":"r"}"#, "no access_token"),
        (#"{"id_token":"i","access_token":"a"}"#, "no refresh_token"),
        (#"{"access_token":"a","refresh_token":"r"}"#, "no id_token"),
        (#"{"id_token":"i","access_token":"a","refresh_token":"r","expires_in":0}"#, "expires_in"),
        (#"{"id_token":"i","access_token":"a","refresh_token":"r","expires_in":-5}"#, "expires_in"),
        (#"{"id_token":"i","access_token":"a","refresh_token":"r","expires_in":"soon"}"#, "expires_in"),
        ("<html>", "not a JSON object"),
    ])
    func refusesIncompleteAnswers(_ body: String, _ problem: String) {
        #expect {
            try LoginTokens.parse(Data(body.utf8))
        } throws: { error in
            guard let error = error as? LoginError else { return false }
            return error.code == .invalidTokenResponse && error.description.contains(problem)
                && !error.description.contains("\"a\"")
        }
    }

    /// Tokens never print.
    @Test func tokensAreRedacted() {
        let tokens = LoginTokens(idToken: "id-secret", accessToken: "at-secret", refreshToken: "rt-secret")
        #expect(!"\(tokens)".contains("secret"))
        #expect(!String(reflecting: tokens).contains("secret"))
    }

    /// The error code of a token endpoint answer is read from `error`, `error.code` or top-level `code`.
    @Test(arguments: [
        (#"{"error":"invalid_grant","error_description":"x"}"#, "invalid_grant"),
        (#"{"error":{"code":"refresh_token_reused","message":"m"}}"#, "refresh_token_reused"),
        (#"{"code":"refresh_token_expired"}"#, "refresh_token_expired"),
        (#"{"message":"nothing"}"#, nil),
        ("not json", nil),
    ])
    func errorCodes(_ body: String, _ code: String?) {
        #expect(OAuthErrorBody.code(in: Data(body.utf8)) == code)
    }
}
