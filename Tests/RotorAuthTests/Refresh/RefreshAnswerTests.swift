import Foundation
import RotorCore
import Testing

@testable import RotorAuth

struct RefreshAnswerTests {
    /// Dead refresh tokens revoke, wherever the code is spelled; any 401 revokes; other errors are transient.
    @Test(arguments: [
        (400, #"{"error":{"code":"refresh_token_reused"}}"#, true),
        (400, #"{"error":"refresh_token_expired"}"#, true),
        (400, #"{"code":"refresh_token_invalidated"}"#, true),
        (400, #"{"error":"invalid_grant"}"#, true),
        (401, #"{"error":"something_else"}"#, true),
        (401, "", true),
        (400, #"{"error":"invalid_request"}"#, false),
        (429, "", false),
        (500, #"{"error":"invalid_grant_typo"}"#, false),
        (503, "", false),
    ])
    func classifiesFailures(_ status: Int, _ body: String, _ revokes: Bool) {
        let answer = RefreshAnswer.classify(status: status, body: Data(body.utf8))
        switch answer {
        case .revoked: #expect(revokes)
        case .transient: #expect(!revokes)
        case .refreshed: Issue.record("an error status must not count as refreshed")
        }
    }

    /// A success carries whatever tokens it names; the merge keeps the old value of each one it omits.
    @Test func omittedTokensKeepTheirOldValues() {
        let answer = RefreshAnswer.classify(status: 200, body: Data(#"{"access_token":"a2"}"#.utf8))
        #expect(answer == .refreshed(idToken: nil, accessToken: "a2", refreshToken: nil))
        let old = AccountCredentials(idToken: "i1", accessToken: "a1", refreshToken: "r1")
        let now = Date(timeIntervalSince1970: 1_000)
        let merged = RefreshAnswer.merge(idToken: nil, accessToken: "a2", refreshToken: nil, into: old, now: now)
        #expect(merged == AccountCredentials(idToken: "i1", accessToken: "a2", refreshToken: "r1", lastRefresh: now))
    }
}

struct TokenRefresherDecisionTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func stored(_ accessToken: String, expiresIn seconds: Double?) -> TokenRefresher.StoredTokens {
        TokenRefresher.StoredTokens(
            credentials: AccountCredentials(idToken: "i", accessToken: accessToken, refreshToken: "r"),
            expiresAt: seconds.map { now.addingTimeInterval($0) }
        )
    }

    /// After a 401, only the very token that was rejected is refreshed; another stored token is used as is.
    @Test func unauthorizedRefreshesOnlyTheRejectedToken() {
        let trigger = TokenRefresher.Trigger.unauthorized(rejectedAccessToken: "a1")
        #expect(TokenRefresher.decision(for: stored("a1", expiresIn: 3600), trigger: trigger, now: now) == .refresh)
        #expect(TokenRefresher.decision(for: stored("a2", expiresIn: 10), trigger: trigger, now: now) == .useStored)
    }

    /// Ahead of expiry, a token expiring within 5 minutes is refreshed; a later or unknown expiry is not.
    @Test(arguments: [
        (Double?.some(299), TokenRefresher.Decision.refresh),
        (300, .refresh),
        (-10, .refresh),
        (301, .useStored),
        (nil, .useStored),
    ])
    func nearExpiry(_ expiresIn: Double?, _ expected: TokenRefresher.Decision) {
        #expect(TokenRefresher.decision(for: stored("a", expiresIn: expiresIn), trigger: nil, now: now) == expected)
        #expect(
            TokenRefresher.decision(for: stored("a", expiresIn: expiresIn), trigger: .nearExpiry, now: now) == expected)
    }

    /// A rejected token never prints.
    @Test func triggerIsRedacted() {
        #expect(!"\(TokenRefresher.Trigger.unauthorized(rejectedAccessToken: "at-secret"))".contains("secret"))
    }
}

struct LoginMessageTests {
    /// The lines a person reads, word for word.
    @Test func rendersTheWaitingAndBusyLines() {
        #expect(
            LoginMessage.callbackPortsBusy([1455, 1457]).text
                == "Ports 1455 and 1457 on localhost are busy, so the browser cannot hand the login back to rotor; "
                + "finish it by pasting instead."
        )
        #expect(
            LoginMessage.waitingForBrowser(timeout: .seconds(300)).text.hasPrefix(
                "Waiting for the login to finish in the browser (up to 5 minutes)…"
            ))
        let url = URL(string: "https://auth.example.com/codex/device")!
        #expect(
            LoginMessage.deviceCode(verificationURL: url, userCode: "AB-12", expiresIn: .seconds(900)).text
                == "Open https://auth.example.com/codex/device in a browser and enter this code "
                + "(it expires in 15 minutes):\n\n  AB-12\n"
        )
    }
}
