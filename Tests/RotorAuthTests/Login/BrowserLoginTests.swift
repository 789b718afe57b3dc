import AsyncHTTPClient
import Foundation
import Logging
import RotorCore
import RotorStore
import RotorTestSupport
import Synchronization
import Testing

@testable import RotorAuth

/// The browser login against a fake issuer on 127.0.0.1, the test acting as the browser.
@Suite(.serialized)
struct BrowserLoginTests {
    let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    func login(_ issuer: OAuthIssuer, ports: [Int] = [0], timeout: Duration = .seconds(20)) -> BrowserLogin {
        BrowserLogin(
            issuer: issuer,
            httpClient: .shared,
            logger: logger,
            settings: LoginSettings(timeout: timeout, callbackPorts: ports)
        )
    }

    /// Runs `login` while `browser` acts on the authorize URL it shows; returns the login's result.
    func run(
        _ login: BrowserLogin,
        user: TestUser,
        browser: (@Sendable (URL) async throws -> Void)? = nil
    ) async throws -> LoginTokens {
        try await withTimeout(.seconds(10), waitingFor: "the login") {
            try await withThrowingTaskGroup(of: LoginTokens?.self) { group in
                group.addTask {
                    var rng = SystemRandomNumberGenerator()
                    return try await login.run(console: user, input: user, using: &rng)
                }
                if let browser {
                    group.addTask {
                        try await browser(try await user.authorizeURL())
                        return nil
                    }
                }
                while let result = try await group.next() {
                    if let tokens = result { return tokens }
                }
                throw CancellationError()
            }
        }
    }

    /// The whole flow: every authorize parameter, a correct S256 challenge (the fake checks the verifier against
    /// it), the callback page and its headers, the exchanged tokens; storing them adds the account, and logging the
    /// same account in again updates it.
    @Test func succeedsAndStoresTheAccount() async throws {
        let fake = FakeIssuer()
        let store = try AccountStore.inMemory()
        try await fake.run { issuer in
            for expected in ["added", "updated"] {
                let user = TestUser()
                let tokens = try await run(login(issuer), user: user) { url in
                    let query = try TestBrowser.checkedParameters(of: url, issuer: issuer)
                    let port = try TestBrowser.port(of: try #require(query["redirect_uri"]))
                    let grant = fake.authorize(url)
                    let page = try await TestBrowser.callback(
                        port: port, query: "code=\(grant.code)&state=\(grant.state)")
                    #expect(page.status == 200)
                    #expect(page.body.contains("You can close this tab"))
                    #expect(page.headers["x-frame-options"] == "DENY")
                    #expect(page.headers["content-security-policy"]?.hasPrefix("default-src 'none'") == true)
                }
                #expect(tokens.idToken == FakeIssuer.idToken(for: FakeIssuer.Identity(), serial: 0))
                #expect(tokens.refreshToken.hasPrefix("rt-code-"))
                #expect(tokens.expiresIn == .seconds(3600))
                let exchange = try #require(fake.state.withLock { $0.exchangeRequests.last })
                #expect(exchange["grant_type"] == "authorization_code")
                #expect(exchange["client_id"] == OAuthIssuer.clientID)
                #expect(exchange["redirect_uri"]?.hasPrefix("http://localhost:") == true)
                let outcome = try LoginCompletion.save(tokens, label: nil, in: store, now: Date())
                #expect(outcome.account.email == "a@example.com")
                #expect(outcome.account.chatgptAccountID == "acct-A")
                #expect(outcome.account.plan == "plus")
                #expect(try store.credentials(for: outcome.account.id)?.refreshToken == tokens.refreshToken)
                switch outcome {
                case .added: #expect(expected == "added")
                case .updated: #expect(expected == "updated")
                case .unchanged, .kept: Issue.record("a fresh login always replaces the stored one: \(outcome)")
                }
                #expect(user.messages.contains(.waitingForBrowser(timeout: .seconds(20))))
            }
            #expect(try store.accounts().count == 1)
        }
    }

    /// Browsers may resolve `localhost` to ::1: where the machine has IPv6 loopback, the callback answers there too.
    @Test(.enabled(if: Occupied.hasIPv6Loopback, "needs an IPv6 loopback address"))
    func answersOnIPv6Loopback() async throws {
        let fake = FakeIssuer()
        try await fake.run { issuer in
            let tokens = try await run(login(issuer), user: TestUser()) { url in
                let grant = fake.authorize(url)
                let port = try TestBrowser.port(of: grant.redirectURI)
                let page = try await TestBrowser.callback(
                    host: "[::1]", port: port, query: "code=\(grant.code)&state=\(grant.state)")
                #expect(page.status == 200)
            }
            #expect(tokens.refreshToken.hasPrefix("rt-code-"))
        }
    }

    /// Callbacks without this login's state (a stale tab, a web page's `<img src>`) get a 400 page that says the
    /// link is stale, and the login keeps waiting: the callback with the right state then completes it.
    @Test func strayCallbacksDoNotEndTheLogin() async throws {
        let fake = FakeIssuer()
        try await fake.run { issuer in
            let tokens = try await run(login(issuer), user: TestUser()) { url in
                let grant = fake.authorize(url)
                let port = try TestBrowser.port(of: grant.redirectURI)
                let strays = [
                    "code=\(grant.code)&state=forged", "code=\(grant.code)", "", "error=access_denied",
                    "error=access_denied&state=forged",
                ]
                for query in strays {
                    let page = try await TestBrowser.callback(port: port, query: query)
                    #expect(page.status == 400, "\(query)")
                    #expect(page.body.contains("stale"), "\(query)")
                    #expect(page.headers["x-frame-options"] == "DENY")
                }
                #expect(fake.state.withLock { $0.exchangeRequests.isEmpty })
                let page = try await TestBrowser.callback(port: port, query: "code=\(grant.code)&state=\(grant.state)")
                #expect(page.status == 200)
            }
            #expect(tokens.refreshToken.hasPrefix("rt-code-"))
            #expect(fake.state.withLock { $0.exchangeRequests.count } == 1)
        }
    }

    /// A callback without a code gets a 400 and fails the login.
    @Test func missingCodeFailsTheLogin() async throws {
        try await expectCallbackFailure(query: { state, _ in "state=\(state)" }, error: .missingCode)
    }

    /// An `error` callback gets a 400 and fails the login with the server's error and description.
    @Test func errorCallbackFailsTheLogin() async throws {
        try await expectCallbackFailure(
            query: { state, _ in "error=access_denied&error_description=The+user+said+no&state=\(state)" },
            error: .authorizationDenied(error: "access_denied", description: "The user said no")
        )
    }

    func expectCallbackFailure(query: @escaping @Sendable (String, String) -> String, error expected: LoginError)
        async throws
    {
        let fake = FakeIssuer()
        try await fake.run { issuer in
            await #expect(throws: expected) {
                _ = try await run(login(issuer), user: TestUser()) { url in
                    let grant = fake.authorize(url)
                    let port = try TestBrowser.port(of: grant.redirectURI)
                    let page = try await TestBrowser.callback(port: port, query: query(grant.state, grant.code))
                    #expect(page.status == 400)
                    #expect(page.headers["x-frame-options"] == "DENY")
                }
            }
            #expect(fake.state.withLock { $0.exchangeRequests.isEmpty })
        }
    }

    /// A token endpoint that refuses the code fails the login with its status and error code, never the code.
    @Test func tokenEndpointErrorFailsTheLogin() async throws {
        let fake = FakeIssuer()
        fake.state.withLock { $0.exchangeFailure = FakeIssuer.Answer(status: 400, body: #"{"error":"invalid_grant"}"#) }
        try await fake.run { issuer in
            let error = await #expect(throws: LoginError.self) {
                _ = try await run(login(issuer), user: TestUser()) { url in
                    let grant = fake.authorize(url)
                    let page = try await TestBrowser.callback(
                        port: try TestBrowser.port(of: grant.redirectURI),
                        query: "code=\(grant.code)&state=\(grant.state)"
                    )
                    #expect(page.status == 200)
                }
            }
            #expect(error?.code == .tokenEndpointRejected)
            #expect(error?.description.contains("HTTP 400, invalid_grant") == true)
            #expect(error?.description.contains("code-1") == false)
        }
    }

    /// Nobody finishes the login: it gives up after `ROTOR_LOGIN_TIMEOUT`.
    @Test func timesOut() async throws {
        let fake = FakeIssuer()
        try await fake.run { issuer in
            let settings = try LoginSettings.fromEnvironment(["ROTOR_LOGIN_TIMEOUT": "0.3"])
            let login = BrowserLogin(
                issuer: issuer,
                httpClient: .shared,
                logger: logger,
                settings: LoginSettings(timeout: settings.timeout, callbackPorts: [0])
            )
            await #expect(throws: LoginError.timedOut(after: .milliseconds(300))) {
                _ = try await run(login, user: TestUser())
            }
        }
    }

    /// While waiting for the browser, a redirect URL pasted in the terminal finishes the login too.
    @Test func pastedURLFinishesTheBrowserLogin() async throws {
        let fake = FakeIssuer()
        try await fake.run { issuer in
            let user = TestUser(pasting: [
                { url in
                    let grant = fake.authorize(url)
                    return "\(grant.redirectURI)?code=\(grant.code)&state=\(grant.state)"
                }
            ])
            let tokens = try await run(login(issuer), user: user)
            #expect(tokens.refreshToken.hasPrefix("rt-code-"))
        }
    }

    /// While waiting for the browser, a pasted answer of another login attempt asks again instead of ending the
    /// login; the browser's callback then completes it.
    @Test func pastedStaleAnswerKeepsTheBrowserLoginWaiting() async throws {
        let fake = FakeIssuer()
        try await fake.run { issuer in
            let user = TestUser(pasting: [{ url in "\(fake.authorize(url).code)#someone-elses-state" }])
            let tokens = try await run(login(issuer), user: user) { url in
                try await user.waitUntilPastesAreRead()
                let grant = fake.authorize(url)
                let port = try TestBrowser.port(of: grant.redirectURI)
                _ = try await TestBrowser.callback(port: port, query: "code=\(grant.code)&state=\(grant.state)")
            }
            #expect(tokens.refreshToken.hasPrefix("rt-code-"))
        }
    }

    /// A busy first port moves the callback (and the redirect URI) to the next one.
    @Test func busyPortFallsBackToTheNext() async throws {
        let fake = FakeIssuer()
        try await fake.run { issuer in
            try await Occupied.port { busy in
                let user = TestUser()
                _ = try await run(login(issuer, ports: [busy, 0]), user: user) { url in
                    let grant = fake.authorize(url)
                    let port = try TestBrowser.port(of: grant.redirectURI)
                    #expect(port != busy)
                    _ = try await TestBrowser.callback(port: port, query: "code=\(grant.code)&state=\(grant.state)")
                }
            }
        }
    }

    /// Codex's real ports: with 1455 taken (by this test, or by anything else), the login listens on 1457.
    @Test(.enabled(if: Occupied.isFree(1457), "port 1457 must be free on this machine"))
    func port1455BusyFallsBackTo1457() async throws {
        let fake = FakeIssuer()
        try await fake.run { issuer in
            try await Occupied.port(1455, orAlreadyBusy: true) { _ in
                _ = try await run(login(issuer, ports: [1455, 1457]), user: TestUser()) { url in
                    let grant = fake.authorize(url)
                    #expect(grant.redirectURI == "http://localhost:1457/auth/callback")
                    _ = try await TestBrowser.callback(port: 1457, query: "code=\(grant.code)&state=\(grant.state)")
                }
            }
        }
    }

    /// With every callback port busy, the login says so and continues by pasting.
    @Test func allPortsBusyOffersThePasteFlow() async throws {
        let fake = FakeIssuer()
        try await fake.run { issuer in
            try await Occupied.port { first in
                try await Occupied.port { second in
                    let user = TestUser(pasting: [
                        { url in
                            let grant = fake.authorize(url)
                            return "\(grant.code)#\(grant.state)"
                        }
                    ])
                    let tokens = try await run(login(issuer, ports: [first, second]), user: user)
                    #expect(tokens.refreshToken.hasPrefix("rt-code-"))
                    #expect(user.messages.contains(.callbackPortsBusy([first, second])))
                    #expect(user.messages.contains(.pastePrompt(redirectURI: "http://localhost:1455/auth/callback")))
                    #expect(fake.state.withLock { $0.exchangeRequests.last?["redirect_uri"] } == PasteLogin.redirectURI)
                }
            }
        }
    }
}
