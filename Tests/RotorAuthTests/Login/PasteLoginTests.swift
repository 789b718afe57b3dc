import AsyncHTTPClient
import Foundation
import Logging
import RotorTestSupport
import Synchronization
import Testing

@testable import RotorAuth

/// The paste login (`--no-browser`) against a fake issuer on 127.0.0.1.
struct PasteLoginTests {
    let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    func run(_ issuer: OAuthIssuer, user: TestUser, timeout: Duration = .seconds(20)) async throws -> LoginTokens {
        let login = PasteLogin(
            issuer: issuer, httpClient: .shared, logger: logger, settings: LoginSettings(timeout: timeout))
        return try await withTimeout(.seconds(10), waitingFor: "the login") {
            var rng = SystemRandomNumberGenerator()
            return try await login.run(console: user, input: user, using: &rng)
        }
    }

    enum Form: String, CaseIterable {
        case fullURL, queryString, queryWithQuestionMark, codeHashState

        func text(code: String, state: String, redirectURI: String) -> String {
            switch self {
            case .fullURL: "\(redirectURI)?code=\(code)&scope=openid&state=\(state)"
            case .queryString: "code=\(code)&state=\(state)"
            case .queryWithQuestionMark: "?state=\(state)&code=\(code)"
            case .codeHashState: "\(code)#\(state)"
            }
        }
    }

    /// Each accepted form of the pasted answer completes the login with Codex's redirect URI.
    @Test(arguments: Form.allCases)
    func acceptsEachForm(_ form: Form) async throws {
        let fake = FakeIssuer()
        try await fake.run { issuer in
            let user = TestUser(pasting: [
                { url in
                    let grant = fake.authorize(url)
                    return "  " + form.text(code: grant.code, state: grant.state, redirectURI: grant.redirectURI) + " "
                }
            ])
            let tokens = try await run(issuer, user: user)
            #expect(tokens.refreshToken.hasPrefix("rt-code-"))
            let url = try await user.authorizeURL()
            let query = try TestBrowser.checkedParameters(of: url, issuer: issuer)
            #expect(query["redirect_uri"] == "http://localhost:1455/auth/callback")
            #expect(user.messages.first == .authorizeURL(url, opening: false))
        }
    }

    /// Text that is not an answer asks again; the next paste completes the login.
    @Test func asksAgainAfterUnrecognizedText() async throws {
        let fake = FakeIssuer()
        try await fake.run { issuer in
            let user = TestUser(pasting: [
                { _ in "I logged in" },
                { url in
                    let grant = fake.authorize(url)
                    return "\(grant.code)#\(grant.state)"
                },
            ])
            _ = try await run(issuer, user: user)
            #expect(user.messages.contains(.pasteNotRecognized))
        }
    }

    /// A pasted answer of another login attempt (a stale tab) asks again instead of failing; this login's answer,
    /// pasted next, completes it.
    @Test func asksAgainAfterAnotherAttemptsAnswer() async throws {
        let fake = FakeIssuer()
        try await fake.run { issuer in
            let user = TestUser(pasting: [
                { url in "\(fake.authorize(url).code)#someone-elses-state" },
                { url in
                    let grant = fake.authorize(url)
                    return "\(grant.code)#\(grant.state)"
                },
            ])
            let tokens = try await run(issuer, user: user)
            #expect(tokens.refreshToken.hasPrefix("rt-code-"))
            #expect(fake.state.withLock { $0.exchangeRequests.count } == 1)
            #expect(user.messages.contains(.pasteFromAnotherAttempt))
            #expect(!user.messages.contains(.pasteNotRecognized))
        }
    }

    /// Up to three wrong pastes (of any kind) are each asked again; the answer pasted after them completes the login.
    @Test func asksAgainUpToThreeTimes() async throws {
        let fake = FakeIssuer()
        try await fake.run { issuer in
            let user = TestUser(pasting: [
                { url in "\(fake.authorize(url).code)#someone-elses-state" },
                { _ in "I logged in" },
                { url in "code=\(fake.authorize(url).code)&state=another-attempt" },
                { url in
                    let grant = fake.authorize(url)
                    return "\(grant.code)#\(grant.state)"
                },
            ])
            let tokens = try await run(issuer, user: user)
            #expect(tokens.refreshToken.hasPrefix("rt-code-"))
        }
    }

    /// A fourth wrong paste ends the login with the reason of that paste; nothing after it is read.
    @Test func failsAfterTheFourthWrongPaste() async throws {
        let fake = FakeIssuer()
        try await fake.run { issuer in
            let user = TestUser(pasting: [
                { _ in "I logged in" },
                { url in "\(fake.authorize(url).code)#someone-elses-state" },
                { _ in "still not it" },
                { url in "\(fake.authorize(url).code)#someone-elses-state" },
                { url in
                    let grant = fake.authorize(url)
                    return "\(grant.code)#\(grant.state)"
                },
            ])
            await #expect(throws: LoginError.stateMismatch) { _ = try await run(issuer, user: user) }
            #expect(user.unreadPastes == 1)
            #expect(fake.state.withLock { $0.exchangeRequests.isEmpty })
        }
    }

    /// Four pastes in a row that are no answer at all end the login and say what to paste.
    @Test func failsAfterTheFourthUnrecognizedPaste() async throws {
        try await FakeIssuer().run { issuer in
            let user = TestUser(pasting: Array(repeating: { _ in "I logged in" }, count: 5))
            await #expect(throws: LoginError.pasteNotRecognized) { _ = try await run(issuer, user: user) }
            #expect(user.unreadPastes == 1)
            #expect(user.messages.filter { $0 == .pasteNotRecognized }.count == 3)
        }
    }

    /// Pressing Enter is not a wrong paste: blank lines do not count towards the limit.
    @Test func blankLinesDoNotCount() async throws {
        let fake = FakeIssuer()
        try await fake.run { issuer in
            var pastes: [@Sendable (URL) -> String] = [{ _ in "" }, { _ in "   " }]
            pastes += Array(repeating: { _ in "I logged in" }, count: 3)
            pastes.append { _ in "" }
            pastes.append { url in
                let grant = fake.authorize(url)
                return "\(grant.code)#\(grant.state)"
            }
            let tokens = try await run(issuer, user: TestUser(pasting: pastes))
            #expect(tokens.refreshToken.hasPrefix("rt-code-"))
        }
    }

    /// The input ends before anything is pasted.
    @Test func endOfInputFailsTheLogin() async throws {
        try await FakeIssuer().run { issuer in
            await #expect(throws: LoginError.inputEnded) {
                _ = try await run(issuer, user: TestUser(thenClosesInput: true))
            }
        }
    }

    /// `ROTOR_LOGIN_TIMEOUT` bounds the wait for the paste too.
    @Test func timesOut() async throws {
        try await FakeIssuer().run { issuer in
            await #expect(throws: LoginError.timedOut(after: .milliseconds(200))) {
                _ = try await run(issuer, user: TestUser(), timeout: .milliseconds(200))
            }
        }
    }
}
