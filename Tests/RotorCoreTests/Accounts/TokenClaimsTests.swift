import Foundation
import RotorCore
import RotorTestSupport
import Testing

struct TokenClaimsTests {
    /// Claims are read from the top level, the profile object and the nested auth object.
    @Test(arguments: [
        (
            #"{"email":"top@x.io","exp":1700000000,"https://api.openai.com/auth":"#
                + #"{"chatgpt_account_id":"acct-1","chatgpt_plan_type":"pro"}}"#,
            TokenClaims(
                email: "top@x.io", chatgptAccountID: "acct-1", plan: "pro",
                expiresAt: Date(timeIntervalSince1970: 1_700_000_000)
            )
        ),
        (
            #"{"https://api.openai.com/profile":{"email":"profile@x.io"},"exp":1.5}"#,
            TokenClaims(email: "profile@x.io", expiresAt: Date(timeIntervalSince1970: 1.5))
        ),
        (
            #"{"email":"top@x.io","https://api.openai.com/profile":{"email":"profile@x.io"}}"#,
            TokenClaims(email: "top@x.io")
        ),
        (#"{"sub":"nothing we read","aud":["x"],"email":null}"#, TokenClaims()),
    ])
    func decodesClaims(payload: String, expected: TokenClaims) throws {
        let jwt = "\(TestJWT.encode(["alg": "none"])).\(TestJWT.base64URL(Data(payload.utf8))).signature"
        #expect(try TokenClaims.decode(jwt: jwt) == expected)
    }

    /// Payloads whose length needs one or two padding characters decode without them (and with them).
    @Test(arguments: ["a@x.io", "ab@x.io", "abc@x.io"])
    func decodesUnpaddedAndPaddedPayloads(email: String) throws {
        let payload = TestJWT.encode(["email": email])
        #expect(try TokenClaims.decode(jwt: "h.\(payload).s").email == email)
        let padded = payload + String(repeating: "=", count: (4 - payload.count % 4) % 4)
        #expect(try TokenClaims.decode(jwt: "h.\(padded).s").email == email)
    }

    /// The url-safe alphabet (`-`, `_`) is decoded.
    @Test func decodesURLSafeAlphabet() throws {
        // "?>?" in the value forces `+`/`/` in standard base64, hence `-`/`_` in base64url.
        let payload = TestJWT.encode(["email": "??>>~~@x.io"])
        #expect(payload.contains("-") || payload.contains("_"))
        #expect(try TokenClaims.decode(jwt: "h.\(payload).s").email == "??>>~~@x.io")
    }

    /// Anything that is not header.payload.signature with a JSON-object payload is refused with its reason.
    @Test(arguments: [
        ("not-a-jwt", TokenClaimsError.notAJWT),
        ("a.b", .notAJWT),
        ("a.b.c.d", .notAJWT),
        ("h..s", .notAJWT),
        ("h.!!!.s", .payloadNotBase64URL),
        ("h.a.s", .payloadNotBase64URL),
        ("h.\(TestJWT.base64URL(Data("not json".utf8))).s", .payloadNotJSON),
        ("h.\(TestJWT.base64URL(Data("[1,2]".utf8))).s", .payloadNotJSON),
        ("h.\(TestJWT.encode(["email": 42])).s", .payloadNotJSON),
    ])
    func refusesMalformedTokens(jwt: String, expected: TokenClaimsError) {
        #expect(throws: expected) { try TokenClaims.decode(jwt: jwt) }
    }
}
