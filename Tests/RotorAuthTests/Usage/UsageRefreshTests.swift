import AsyncHTTPClient
import Foundation
import Logging
import RotorCore
import RotorTestSupport
import Synchronization
import Testing

@testable import RotorAuth
@testable import RotorStore

/// The usage refresh against a fake usage endpoint (and, for token refreshes, a fake issuer) on 127.0.0.1, over a
/// store in a temporary state directory.
struct UsageRefreshTests {
    let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    /// A state directory with `count` accounts (`acct-1`, … with refresh tokens `rt-1`, …) whose access tokens expire
    /// at `expiresAt` (an hour from now by default).
    struct Fixture {
        var temporary: TemporaryDirectory
        var directory: StateDirectory
        var store: AccountStore
        var accounts: [Account]

        func credentials(_ index: Int) throws -> AccountCredentials? {
            try store.credentials(for: accounts[index].id)
        }
    }

    func makeFixture(count: Int = 1, expiresAt: Date = Date().addingTimeInterval(3_600)) throws -> Fixture {
        let temporary = try TemporaryDirectory(prefix: "rotor-usage-refresh")
        let directory = StateDirectory(url: temporary.appending("state"))
        let store = try AccountStore(directory: directory)
        var accounts: [Account] = []
        for n in 1...count {
            let identity = Self.identity(n)
            let login = AccountLogin(
                email: identity.email, chatgptAccountID: identity.accountID, plan: identity.plan,
                credentials: AccountCredentials(
                    idToken: FakeIssuer.idToken(for: identity, serial: 0),
                    accessToken: TestJWT.make(email: nil, accountID: identity.accountID, plan: nil, expiresAt: expiresAt),
                    refreshToken: "rt-\(n)"),
                accessTokenExpiresAt: expiresAt)
            guard case .added(let account) = try store.saveLogin(login) else { throw CancellationError() }
            accounts.append(account)
        }
        return Fixture(temporary: temporary, directory: directory, store: store, accounts: accounts)
    }

    static func identity(_ n: Int) -> FakeIssuer.Identity {
        FakeIssuer.Identity(email: "user\(n)@example.com", accountID: "acct-\(n)", plan: "plus")
    }

    /// A refresh over `fixture` asking `upstream`; token refreshes go to `issuer` (by default nowhere reachable:
    /// the tests that do not refresh never ask it).
    func usageRefresh(
        _ fixture: Fixture,
        upstream: URL,
        issuer: OAuthIssuer = OAuthIssuer(url: URL(string: "http://127.0.0.1:9")!),
        deadline: Duration = .seconds(10)
    ) -> UsageRefresh {
        let refresher = TokenRefresher(
            store: fixture.store, directory: fixture.directory, issuer: issuer, httpClient: .shared, logger: logger)
        var refresh = UsageRefresh(
            store: fixture.store, refresher: refresher, httpClient: .shared, upstreamURL: upstream, logger: logger)
        refresh.deadline = deadline
        return refresh
    }

    /// The same snapshot once stored: the same windows and source, seen within the store's precision (a date is
    /// stored as seconds since 1970 in a double).
    static func same(_ stored: UsageSnapshot?, _ snapshot: UsageSnapshot) -> Bool {
        guard let stored else { return false }
        return stored.hasSameWindows(as: snapshot) && stored.source == snapshot.source
            && abs(stored.observedAt.timeIntervalSince(snapshot.observedAt)) < 0.001
    }

    static let ok = FakeIssuer.Answer(status: 200, body: FakeUsageEndpoint.body(used: 12))

    /// A success is returned and stored like any other snapshot: source `refresh`, the windows by position with
    /// their lengths and resets, the plan the endpoint reported; the history gets it; the fallback is not asked.
    @Test func successIsStored() async throws {
        let fixture = try makeFixture(count: 2)
        defer { fixture.temporary.remove() }
        let fake = FakeUsageEndpoint()
        fake.script(UsageRefresh.endpointPath, Self.ok)
        let results = try await fake.run { upstream in
            try await withTimeout(.seconds(20)) { [self] in
                await usageRefresh(fixture, upstream: upstream).refresh(fixture.accounts)
            }
        }
        #expect(results.count == 2)
        for account in fixture.accounts {
            guard case .refreshed(let usage) = results[account.id] else {
                Issue.record("\(account.label): \(String(describing: results[account.id]))")
                continue
            }
            #expect(usage.source == .refresh)
            #expect(usage.primary?.usedPercent == 12)
            #expect(usage.primary?.windowMinutes == 300)
            #expect(usage.window(named: .weekly)?.usedPercent == 20)
            #expect(usage.window(named: .weekly)?.resetsAt != nil)
            let stored = try #require(try fixture.store.account(account.id))
            #expect(Self.same(stored.usage, usage))
            #expect(stored.plan == "pro")
            let history = try fixture.store.usageHistory(for: account.id, since: .distantPast)
            #expect(history.count == 1)
            #expect(Self.same(history.first?.usage, usage))
        }
        #expect(fake.requests.map(\.path) == [UsageRefresh.endpointPath, UsageRefresh.endpointPath])
    }

    /// Each request carries the account's bearer token and ChatGPT account id, Codex's originator and a Codex-like
    /// user agent.
    @Test func sendsCodexHeaders() async throws {
        let fixture = try makeFixture()
        defer { fixture.temporary.remove() }
        let fake = FakeUsageEndpoint()
        fake.script(UsageRefresh.endpointPath, Self.ok)
        try await fake.run { upstream in
            _ = try await withTimeout(.seconds(20)) { [self] in
                await usageRefresh(fixture, upstream: upstream).refresh(fixture.accounts)
            }
        }
        let token = try #require(try fixture.credentials(0)).accessToken
        #expect(fake.requests == [FakeUsageEndpoint.SeenRequest(
            path: UsageRefresh.endpointPath, authorization: "Bearer \(token)", chatgptAccountID: "acct-1",
            originator: "codex_cli_rs", userAgent: CodexClient.userAgent)])
        #expect(CodexClient.userAgent.hasPrefix("codex_cli_rs/\(CodexClient.testedVersion) ("))
    }

    /// A 403 from the usage endpoint is asked once more at the fallback, which answers.
    @Test func forbiddenFallsBack() async throws {
        let fixture = try makeFixture()
        defer { fixture.temporary.remove() }
        let fake = FakeUsageEndpoint()
        fake.script(UsageRefresh.endpointPath, FakeIssuer.Answer(status: 403, body: #"{"detail":"Forbidden"}"#))
        fake.script(UsageRefresh.fallbackPath, Self.ok)
        let results = try await fake.run { upstream in
            try await withTimeout(.seconds(20)) { [self] in
                await usageRefresh(fixture, upstream: upstream).refresh(fixture.accounts)
            }
        }
        let id = fixture.accounts[0].id
        guard case .refreshed(let usage) = results[id] else {
            Issue.record("not refreshed: \(String(describing: results[id]))")
            return
        }
        #expect(usage.primary?.usedPercent == 12)
        #expect(fake.requests.map(\.path) == [UsageRefresh.endpointPath, UsageRefresh.fallbackPath])
        #expect(Set(fake.requests.map(\.authorization)).count == 1)
    }

    /// A 404 falls back once; a failing fallback is reported, and the last known snapshot stays as it was.
    @Test func failingFallbackIsReported() async throws {
        let fixture = try makeFixture()
        defer { fixture.temporary.remove() }
        let id = fixture.accounts[0].id
        let known = UsageSnapshot(primary: UsageWindow(usedPercent: 55), observedAt: Date(timeIntervalSince1970: 1_000))
        try fixture.store.recordUsage(known, for: id)
        let fake = FakeUsageEndpoint()
        fake.script(UsageRefresh.fallbackPath, FakeIssuer.Answer(status: 500, body: "oops"))
        let results = try await fake.run { upstream in
            try await withTimeout(.seconds(20)) { [self] in
                await usageRefresh(fixture, upstream: upstream).refresh(fixture.accounts)
            }
        }
        #expect(results[id] == .failed(reason: "usage endpoint answered 404, its fallback 500"))
        #expect(fake.requests.map(\.path) == [UsageRefresh.endpointPath, UsageRefresh.fallbackPath])
        #expect(try fixture.store.account(id)?.usage == known)
    }

    /// Any other failing status is reported at once, without the fallback.
    @Test func serverErrorIsReported() async throws {
        let fixture = try makeFixture()
        defer { fixture.temporary.remove() }
        let fake = FakeUsageEndpoint()
        fake.script(UsageRefresh.endpointPath, FakeIssuer.Answer(status: 500, body: "oops"))
        let results = try await fake.run { upstream in
            try await withTimeout(.seconds(20)) { [self] in
                await usageRefresh(fixture, upstream: upstream).refresh(fixture.accounts)
            }
        }
        #expect(results[fixture.accounts[0].id] == .failed(reason: "usage endpoint answered 500"))
        #expect(fake.requests.map(\.path) == [UsageRefresh.endpointPath])
    }

    /// An answer that is not a usage report is reported as such.
    @Test func garbageAnswerIsReported() async throws {
        let fixture = try makeFixture()
        defer { fixture.temporary.remove() }
        let fake = FakeUsageEndpoint()
        fake.script(UsageRefresh.endpointPath, FakeIssuer.Answer(status: 200, body: "<html>hello</html>"))
        let results = try await fake.run { upstream in
            try await withTimeout(.seconds(20)) { [self] in
                await usageRefresh(fixture, upstream: upstream).refresh(fixture.accounts)
            }
        }
        #expect(results[fixture.accounts[0].id]
            == .failed(reason: UsageEndpointReport.ParseError.notAnObject.description))
    }

    /// An endpoint that does not answer within the deadline is reported as timed out.
    @Test func slowEndpointTimesOut() async throws {
        let fixture = try makeFixture()
        defer { fixture.temporary.remove() }
        let fake = FakeUsageEndpoint(holdingRequests: true)
        fake.script(UsageRefresh.endpointPath, Self.ok)
        let results = try await fake.run { upstream in
            try await withTimeout(.seconds(20)) { [self] in
                await usageRefresh(fixture, upstream: upstream, deadline: .milliseconds(300))
                    .refresh(fixture.accounts)
            }
        }
        #expect(results[fixture.accounts[0].id] == .failed(reason: "timed out after 0.3 s"))
        #expect(fake.requests.count == 1)
    }

    /// Six accounts are asked four at a time: the fake holds every request until four are in flight, and never
    /// sees more than four at once.
    @Test func asksAtMostFourAccountsAtOnce() async throws {
        let fixture = try makeFixture(count: 6)
        defer { fixture.temporary.remove() }
        let fake = FakeUsageEndpoint(holdingRequests: true)
        fake.script(UsageRefresh.endpointPath, Self.ok)
        let (results, arrivedWhileHeld) = try await fake.run { upstream in
            try await withTimeout(.seconds(30), waitingFor: "six refreshes") { [self] in
                let refresh = usageRefresh(fixture, upstream: upstream)
                async let results = refresh.refresh(fixture.accounts)
                var arrivals = fake.arrivals.makeAsyncIterator()
                for _ in 0..<UsageRefresh.maximumConcurrentAccounts { _ = await arrivals.next() }
                // Without the bound, the fifth and sixth requests leave together with the first four; give them a
                // moment to arrive while the four are held (the bound holds whatever this pause is).
                try await Task.sleep(for: .milliseconds(300))
                let arrivedWhileHeld = fake.requests.count
                fake.gate?.open()
                return (await results, arrivedWhileHeld)
            }
        }
        #expect(arrivedWhileHeld == 4)
        #expect(results.count == 6)
        #expect(results.values.allSatisfy { if case .refreshed = $0 { true } else { false } })
        #expect(fake.state.withLock { $0.mostInFlight } == 4)
        #expect(fake.requests.count == 6)
    }

    /// An access token that has expired is refreshed through the refresher first: the issuer sees one refresh, the
    /// usage endpoint only the new token, and the store holds the new login.
    @Test func expiredTokenIsRefreshedFirst() async throws {
        let fixture = try makeFixture(expiresAt: Date().addingTimeInterval(-60))
        defer { fixture.temporary.remove() }
        let issuer = FakeIssuer()
        issuer.register(refreshToken: "rt-1", identity: Self.identity(1))
        let fake = FakeUsageEndpoint()
        fake.script(UsageRefresh.endpointPath, Self.ok)
        let results = try await issuer.run { issuerURL in
            try await fake.run { upstream in
                try await withTimeout(.seconds(20)) { [self] in
                    await usageRefresh(fixture, upstream: upstream, issuer: issuerURL).refresh(fixture.accounts)
                }
            }
        }
        guard case .refreshed = results[fixture.accounts[0].id] else {
            Issue.record("not refreshed: \(String(describing: results[fixture.accounts[0].id]))")
            return
        }
        #expect(issuer.refreshCount == 1)
        let newToken = FakeIssuer.accessToken(for: Self.identity(1), serial: 1)
        #expect(try fixture.credentials(0)?.accessToken == newToken)
        #expect(fake.requests.map(\.authorization) == ["Bearer \(newToken)"])
    }

    /// A token refresh that outlasts the account's time limit is stored before `refresh` returns: the issuer has
    /// spent the old refresh token by then, and a caller that ends right after `refresh` (`rotor status --refresh`
    /// exits; Ctrl-C ends `--watch`) would otherwise take the answer that holds the new one with it.
    @Test func aTokenRefreshOutlastingTheTimeLimitIsStoredBeforeReturning() async throws {
        let fixture = try makeFixture(expiresAt: Date().addingTimeInterval(-60))
        defer { fixture.temporary.remove() }
        let issuer = FakeIssuer(refreshDelay: .milliseconds(800))
        issuer.register(refreshToken: "rt-1", identity: Self.identity(1))
        let fake = FakeUsageEndpoint()
        fake.script(UsageRefresh.endpointPath, Self.ok)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let results = try await issuer.run { issuerURL in
            try await fake.run { upstream in
                try await withTimeout(.seconds(20)) { [logger] in
                    let refresher = TokenRefresher(
                        store: fixture.store, directory: fixture.directory, issuer: issuerURL, httpClient: client,
                        logger: logger)
                    var refresh = UsageRefresh(
                        store: fixture.store, refresher: refresher, httpClient: client, upstreamURL: upstream,
                        logger: logger)
                    refresh.deadline = .milliseconds(200)
                    let results = await refresh.refresh(fixture.accounts)
                    let stored = try fixture.credentials(0)?.accessToken
                    try? await client.shutdown()
                    return (results, stored)
                }
            }
        }
        #expect(results.0[fixture.accounts[0].id] == .failed(reason: "timed out after 0.2 s"))
        #expect(issuer.refreshCount == 1)
        #expect(results.1 == FakeIssuer.accessToken(for: Self.identity(1), serial: 1))
    }

    /// A 401 refreshes the token once through the refresher and asks again with the new one; a second 401 is
    /// reported without the token.
    @Test func unauthorizedRefreshesOnceAndRetries() async throws {
        let fixture = try makeFixture(count: 2)
        defer { fixture.temporary.remove() }
        let issuer = FakeIssuer()
        issuer.register(refreshToken: "rt-1", identity: Self.identity(1))
        let fake = FakeUsageEndpoint()
        let unauthorized = FakeIssuer.Answer(status: 401, body: #"{"detail":"Unauthorized"}"#)
        fake.script(UsageRefresh.endpointPath, unauthorized, Self.ok)
        let old = try #require(try fixture.credentials(0)).accessToken
        let results = try await issuer.run { issuerURL in
            try await fake.run { upstream in
                try await withTimeout(.seconds(20)) { [self] in
                    await usageRefresh(fixture, upstream: upstream, issuer: issuerURL)
                        .refresh([fixture.accounts[0]])
                }
            }
        }
        guard case .refreshed = results[fixture.accounts[0].id] else {
            Issue.record("not refreshed: \(String(describing: results[fixture.accounts[0].id]))")
            return
        }
        let newToken = FakeIssuer.accessToken(for: Self.identity(1), serial: 1)
        #expect(issuer.refreshCount == 1)
        #expect(fake.requests.map(\.authorization) == ["Bearer \(old)", "Bearer \(newToken)"])

        // The second account's token is refused even after its refresh.
        issuer.register(refreshToken: "rt-2", identity: Self.identity(2))
        let always = FakeUsageEndpoint()
        always.script(UsageRefresh.endpointPath, unauthorized)
        let second = fixture.accounts[1]
        let refused = try await issuer.run { issuerURL in
            try await always.run { upstream in
                try await withTimeout(.seconds(20)) { [self] in
                    await usageRefresh(fixture, upstream: upstream, issuer: issuerURL).refresh([second])
                }
            }
        }
        #expect(refused[second.id] == .failed(reason: "usage endpoint refused the login (401) after a token refresh; "
            + "if the account fails in `rotor run` too, log it in again with `rotor accounts add`"))
        #expect(always.requests.count == 2)
        #expect(issuer.refreshCount == 2)
    }

    /// A login the issuer refuses is reported as needing a login, and recorded as the proxy records it.
    @Test func refusedLoginNeedsLogin() async throws {
        let fixture = try makeFixture(expiresAt: Date().addingTimeInterval(-60))
        defer { fixture.temporary.remove() }
        let issuer = FakeIssuer()
        issuer.state.withLock {
            $0.refreshFailure = FakeIssuer.Answer(status: 401, body: #"{"error":{"code":"refresh_token_expired"}}"#)
        }
        let fake = FakeUsageEndpoint()
        let results = try await issuer.run { issuerURL in
            try await fake.run { upstream in
                try await withTimeout(.seconds(20)) { [self] in
                    await usageRefresh(fixture, upstream: upstream, issuer: issuerURL).refresh(fixture.accounts)
                }
            }
        }
        let id = fixture.accounts[0].id
        guard case .failed(let reason) = results[id] else {
            Issue.record("not failed: \(String(describing: results[id]))")
            return
        }
        #expect(reason.contains("needs a new login"))
        #expect(fake.requests.isEmpty)
        guard case .needsLogin = try fixture.store.account(id)?.status else {
            Issue.record("status not needs-login")
            return
        }
    }

    /// The usage endpoints live at the upstream's origin.
    @Test(arguments: [
        ("https://chatgpt.com/backend-api/codex", "https://chatgpt.com"),
        ("http://127.0.0.1:8080/backend-api/codex/?x=1#f", "http://127.0.0.1:8080"),
        ("https://user:pw@example.com/", "https://example.com"),
    ])
    func originOfUpstream(upstream: String, origin: String) throws {
        #expect(UsageRefresh.origin(of: try #require(URL(string: upstream))) == origin)
    }
}
