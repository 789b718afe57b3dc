import Foundation
import RotorCore
import RotorTestSupport
import Testing

struct CodexAuthFileTests {
    static let idToken = TestJWT.make([
        "email": "dev@x.io",
        "https://api.openai.com/auth": ["chatgpt_account_id": "claim-acct", "chatgpt_plan_type": "plus"],
    ])
    static let accessToken = TestJWT.make(["exp": 1_800_000_000])

    static func file(_ object: [String: Any]) -> Data {
        try! JSONSerialization.data(withJSONObject: object)
    }

    static func tokens(accountID: String? = "file-acct", idToken: String = idToken) -> [String: Any] {
        var tokens: [String: Any] = ["id_token": idToken, "access_token": accessToken, "refresh_token": "rt-secret"]
        tokens["account_id"] = accountID
        return tokens
    }

    /// A Codex ChatGPT login becomes an AccountLogin: identity from the claims, account id from the file, expiry
    /// from the access token, last_refresh with nanoseconds.
    @Test func parsesLogin() throws {
        let data = Self.file([
            "OPENAI_API_KEY": NSNull(),
            "tokens": Self.tokens(),
            "last_refresh": "2025-05-01T12:34:56.250000000Z",
        ])
        let login = try CodexAuthFile.parse(data)
        #expect(login.email == "dev@x.io")
        #expect(login.chatgptAccountID == "file-acct")
        #expect(login.plan == "plus")
        #expect(login.label == nil)
        #expect(login.accessTokenExpiresAt == Date(timeIntervalSince1970: 1_800_000_000))
        #expect(login.credentials.refreshToken == "rt-secret")
        #expect(login.credentials.idToken == Self.idToken)
        #expect(login.credentials.lastRefresh == Date(timeIntervalSince1970: 1_746_102_896.25))
    }

    /// Without tokens.account_id the id token's claim names the account; an odd last_refresh is just unknown.
    @Test func accountIDFallsBackToClaim() throws {
        let login = try CodexAuthFile.parse(Self.file(["tokens": Self.tokens(accountID: nil), "last_refresh": "soon"]))
        #expect(login.chatgptAccountID == "claim-acct")
        #expect(login.credentials.lastRefresh == nil)
    }

    /// Each unusable file is refused with its own reason.
    @Test(arguments: [
        (Data("{not json".utf8), CodexAuthFileError.invalidJSON),
        (Data("[]".utf8), .invalidJSON),
        (file(["OPENAI_API_KEY": "sk-test"]), .apiKeyOnly),
        (file(["OPENAI_API_KEY": "sk-test", "tokens": NSNull()]), .apiKeyOnly),
        (file([:]), .noTokens(missing: "tokens")),
        (file(["OPENAI_API_KEY": ""]), .noTokens(missing: "tokens")),
        (file(["tokens": ["id_token": idToken, "access_token": ""]]),
            .noTokens(missing: "tokens.access_token, tokens.refresh_token")),
        (file(["tokens": tokens(idToken: "garbage")]), .unusableTokens(.malformedIDToken(.notAJWT))),
        (file(["tokens": tokens(idToken: TestJWT.make(["sub": "x"]))]), .unusableTokens(.missingEmail)),
        (file(["tokens": tokens(accountID: nil, idToken: TestJWT.make(["email": "a@x.io"]))]),
            .unusableTokens(.missingChatGPTAccountID)),
    ])
    func refusesUnusableFiles(data: Data, expected: CodexAuthFileError) {
        #expect(throws: expected) { try CodexAuthFile.parse(data) }
    }

    /// Messages name the file and say what to do; none carries a token.
    @Test(arguments: [
        CodexAuthFileError.invalidJSON, .apiKeyOnly, .noTokens(missing: "tokens"),
        .unusableTokens(.malformedIDToken(.payloadNotJSON)),
    ])
    func messagesNameTheFileAndTheFix(error: CodexAuthFileError) {
        let message = error.description(path: "/home/u/.codex/auth.json")
        #expect(message.hasPrefix("/home/u/.codex/auth.json"))
        #expect(message.contains("codex login"))
        #expect(!message.contains("\n"))
    }

    /// The API-key-only message says what the file holds.
    @Test func apiKeyOnlyMessageSaysSo() {
        #expect(CodexAuthFileError.apiKeyOnly.description(path: "f").contains("only an API key"))
    }
}
