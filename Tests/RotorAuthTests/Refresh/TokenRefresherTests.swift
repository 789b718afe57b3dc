import AsyncHTTPClient
import Foundation
import GRDB
import Logging
import RotorCore
import RotorTestSupport
import Synchronization
import Testing

@testable import RotorAuth
@testable import RotorStore

#if canImport(Glibc)
import Glibc
#endif

/// Token refresh against a fake token endpoint that enforces single-use refresh tokens and revokes the account on
/// reuse, over stores in a temporary state directory.
struct TokenRefresherTests {
    let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
    let identity = FakeIssuer.Identity()
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// A fresh state directory holding one account whose access token is `accessToken` and refresh token `rt-0`.
    struct Fixture {
        /// Holds the state directory; the test removes it when done.
        var temporary: TemporaryDirectory
        var directory: StateDirectory
        var store: AccountStore
        var id: AccountID
        var original: AccountCredentials
    }

    func makeFixture(accessTokenExpiresAt: Date? = nil) throws -> Fixture {
        let temporary = try TemporaryDirectory(prefix: "rotor-auth")
        let directory = StateDirectory(url: temporary.appending("state"))
        let store = try AccountStore(directory: directory)
        let expiresAt = accessTokenExpiresAt ?? now.addingTimeInterval(3600)
        let credentials = AccountCredentials(
            idToken: FakeIssuer.idToken(for: identity, serial: 0),
            accessToken: TestJWT.make(email: nil, accountID: identity.accountID, plan: nil, expiresAt: expiresAt),
            refreshToken: "rt-0"
        )
        let login = AccountLogin(
            email: identity.email,
            chatgptAccountID: identity.accountID,
            plan: identity.plan,
            credentials: credentials,
            accessTokenExpiresAt: expiresAt
        )
        guard case .added(let account) = try store.saveLogin(login) else { throw CancellationError() }
        return Fixture(temporary: temporary, directory: directory, store: store, id: account.id, original: credentials)
    }

    func refresher(_ fixture: Fixture, store: AccountStore? = nil, issuer: OAuthIssuer) -> TokenRefresher {
        TokenRefresher(
            store: store ?? fixture.store, directory: fixture.directory, issuer: issuer, httpClient: .shared,
            logger: logger)
    }

    /// Eight concurrent requests that got a 401 on one account share exactly one refresh; the rotated refresh token
    /// is never reused (the fake would revoke the account), and the new tokens are stored before they are used.
    @Test func concurrentUnauthorizedCallersShareOneRefresh() async throws {
        let fixture = try makeFixture()
        defer { fixture.temporary.remove() }
        let fake = FakeIssuer(holdingRefreshes: true)
        fake.register(refreshToken: "rt-0", identity: identity)
        try await fake.run { issuer in
            let refresher = refresher(fixture, issuer: issuer)
            let trigger = TokenRefresher.Trigger.unauthorized(rejectedAccessToken: fixture.original.accessToken)
            let (started, startedContinuation) = AsyncStream.makeStream(of: Void.self)
            let results = try await withTimeout(.seconds(10), waitingFor: "eight refreshed credentials") {
                try await withThrowingTaskGroup(of: AccountCredentials.self) { group in
                    for _ in 0..<8 {
                        group.addTask {
                            startedContinuation.yield()
                            return try await refresher.credentials(for: fixture.id, trigger: trigger, now: now)
                        }
                    }
                    // Hold the refresh until it has arrived and every caller has started.
                    var arrivals = fake.refreshArrivals.makeAsyncIterator()
                    _ = await arrivals.next()
                    var count = 0
                    for await _ in started {
                        count += 1
                        if count == 8 { break }
                    }
                    fake.refreshGate?.open()
                    return try await group.reduce(into: []) { $0.append($1) }
                }
            }
            #expect(fake.refreshCount == 1)
            #expect(Set(results.map(\.accessToken)).count == 1)
            let refreshed = try #require(results.first)
            #expect(refreshed.accessToken != fixture.original.accessToken)
            #expect(refreshed.refreshToken == "rt-acct-A-1")
            #expect(try fixture.store.credentials(for: fixture.id) == refreshed)
            #expect(try fixture.store.account(fixture.id)?.status == .ready)
            let request = try #require(fake.state.withLock { $0.refreshRequests.first })
            #expect(
                request == ["client_id": OAuthIssuer.clientID, "grant_type": "refresh_token", "refresh_token": "rt-0"])
            let lockFile = AccountLock.url(for: fixture.id, in: fixture.directory).path(percentEncoded: false)
            let mode = try #require(FileManager.default.attributesOfItem(atPath: lockFile)[.posixPermissions] as? Int)
            #expect(mode == 0o600)
        }
    }

    /// Two refreshers on two stores over one state directory (as two processes are): the second waits on the
    /// account's flock while the first refreshes, then finds the new token and uses it without refreshing.
    @Test func refreshersOnSeparateStoresShareOneRefresh() async throws {
        let fixture = try makeFixture()
        defer { fixture.temporary.remove() }
        let otherStore = try AccountStore(directory: fixture.directory)
        let fake = FakeIssuer(holdingRefreshes: true)
        fake.register(refreshToken: "rt-0", identity: identity)
        try await fake.run { issuer in
            let first = refresher(fixture, issuer: issuer)
            var second = refresher(fixture, store: otherStore, issuer: issuer)
            let lockClock = TestClock()
            second.lockClock = lockClock
            let trigger = TokenRefresher.Trigger.unauthorized(rejectedAccessToken: fixture.original.accessToken)
            let secondRefresher = second
            let results = try await withTimeout(.seconds(10), waitingFor: "both refreshers") {
                try await withThrowingTaskGroup(of: AccountCredentials.self) { group in
                    group.addTask { try await first.credentials(for: fixture.id, trigger: trigger, now: now) }
                    var arrivals = fake.refreshArrivals.makeAsyncIterator()
                    _ = await arrivals.next()
                    group.addTask { try await secondRefresher.credentials(for: fixture.id, trigger: trigger, now: now) }
                    try await lockClock.waitForSleepers()
                    fake.refreshGate?.open()
                    // The second sleeps on the test clock until moved on, so the first (done, lock released)
                    // answers first; then the second tries the lock again.
                    var results = [try #require(try await group.next())]
                    try await lockClock.advanceToNextSleeper()
                    results.append(try #require(try await group.next()))
                    return results
                }
            }
            #expect(fake.refreshCount == 1)
            #expect(results.count == 2 && results[0] == results[1])
            #expect(try otherStore.credentials(for: fixture.id) == results[0])
        }
    }

    /// A refresh token the server reports as reused is reported with the reason and the refused token (the caller
    /// records the needs-login, compared with that token), and this refresher never sends it again.
    @Test func revokedRefreshTokenIsReportedAndNeverRetried() async throws {
        let fixture = try makeFixture()
        defer { fixture.temporary.remove() }
        let fake = FakeIssuer()
        fake.register(refreshToken: "rt-elsewhere", identity: identity)
        fake.state.withLock { $0.refreshAccounts[identity.accountID]?.usedRefreshTokens = ["rt-0"] }
        try await fake.run { issuer in
            let refresher = refresher(fixture, issuer: issuer)
            let trigger = TokenRefresher.Trigger.unauthorized(rejectedAccessToken: fixture.original.accessToken)
            let reason = RefreshAnswer.revokingCodes["refresh_token_reused"]!
            let refused = TokenRefreshError.needsLogin(
                reason: reason, refused: RefusedRefreshToken(fixture.original.refreshToken))
            await #expect(throws: refused) {
                _ = try await refresher.credentials(for: fixture.id, trigger: trigger, now: now)
            }
            let status = try fixture.store.account(fixture.id)?.status
            #expect(status == .ready, "the caller records the needs-login")
            await #expect(throws: refused) {
                _ = try await refresher.credentials(for: fixture.id, trigger: trigger, now: now)
            }
            await #expect(throws: refused) {
                _ = try await refresher.credentials(for: fixture.id, trigger: nil, now: now)
            }
            #expect(fake.refreshCount == 1)
        }
    }

    /// The refused token never prints: not in the error's description, not in a dump.
    @Test func theRefusedTokenNeverPrints() {
        let error = TokenRefreshError.needsLogin(reason: "reused", refused: RefusedRefreshToken("rt-secret-value"))
        var dumped = ""
        dump(error, to: &dumped)
        for text in [error.description, String(describing: error), String(reflecting: error), dumped] {
            #expect(!text.contains("rt-secret-value"), "\(text)")
        }
    }

    /// Other failures are transient and change nothing stored.
    @Test func serverErrorIsTransient() async throws {
        let fixture = try makeFixture()
        defer { fixture.temporary.remove() }
        let fake = FakeIssuer()
        fake.state.withLock { $0.refreshFailure = FakeIssuer.Answer(status: 503, body: "") }
        try await fake.run { issuer in
            let trigger = TokenRefresher.Trigger.unauthorized(rejectedAccessToken: fixture.original.accessToken)
            await #expect(throws: TokenRefreshError.transient("the token endpoint answered HTTP 503")) {
                _ = try await refresher(fixture, issuer: issuer).credentials(
                    for: fixture.id, trigger: trigger, now: now)
            }
            let (status, stored) = (
                try fixture.store.account(fixture.id)?.status, try fixture.store.credentials(for: fixture.id)
            )
            #expect(status == .ready)
            #expect(stored == fixture.original)
        }
    }

    /// An answer without id token or refresh token keeps the old ones; the expiry comes from the new access token.
    @Test func omittedTokensKeepTheirOldValues() async throws {
        let fixture = try makeFixture(accessTokenExpiresAt: now.addingTimeInterval(60))
        defer { fixture.temporary.remove() }
        let fake = FakeIssuer()
        fake.register(refreshToken: "rt-0", identity: identity)
        fake.state.withLock { $0.omissions = FakeIssuer.Omissions(idToken: true, refreshToken: true) }
        try await fake.run { issuer in
            let refreshed = try await refresher(fixture, issuer: issuer).credentials(
                for: fixture.id, trigger: nil, now: now)
            #expect(refreshed.idToken == fixture.original.idToken)
            #expect(refreshed.refreshToken == "rt-0")
            #expect(refreshed.accessToken == FakeIssuer.accessToken(for: identity, serial: 1))
            #expect(refreshed.lastRefresh == now)
            #expect(try fixture.store.credentials(for: fixture.id) == refreshed)
            #expect(
                try fixture.store.account(fixture.id)?.accessTokenExpiresAt == FakeIssuer.expiry.addingTimeInterval(1))
        }
    }

    /// A token that is not near expiry is used without any refresh.
    @Test func freshTokenIsUsedAsIs() async throws {
        let fixture = try makeFixture()
        defer { fixture.temporary.remove() }
        let fake = FakeIssuer()
        try await fake.run { issuer in
            let credentials = try await refresher(fixture, issuer: issuer).credentials(
                for: fixture.id, trigger: nil, now: now)
            #expect(credentials == fixture.original)
            #expect(fake.refreshCount == 0)
        }
    }

    /// Ahead of expiry, a refresher that finds the lock held waits; when the holder has stored a token that is no
    /// longer near expiry, it uses that token and does not refresh.
    @Test func nearExpiryRefreshIsSkippedWhenAnotherHolderRefreshed() async throws {
        let fixture = try makeFixture(accessTokenExpiresAt: now.addingTimeInterval(60))
        defer { fixture.temporary.remove() }
        let fake = FakeIssuer()
        fake.register(refreshToken: "rt-0", identity: identity)
        try await fake.run { issuer in
            var refresher = refresher(fixture, issuer: issuer)
            let lockClock = TestClock()
            refresher.lockClock = lockClock
            let waiting = refresher
            // The test plays the other process: it holds the account's lock while it stores fresh tokens.
            let descriptor = try StateDirectory.openPrivateFile(
                at: AccountLock.url(for: fixture.id, in: fixture.directory), flags: O_RDWR)
            defer { close(descriptor) }
            #expect(flock(descriptor, LOCK_EX | LOCK_NB) == 0)
            let elsewhere = AccountCredentials(
                idToken: fixture.original.idToken,
                accessToken: TestJWT.make(
                    email: nil, accountID: identity.accountID, plan: nil, expiresAt: now.addingTimeInterval(3600),
                    serial: 9),
                refreshToken: "rt-elsewhere",
                lastRefresh: now
            )
            let result = try await withTimeout(.seconds(10), waitingFor: "the waiting refresher") {
                try await withThrowingTaskGroup(of: AccountCredentials?.self) { group in
                    group.addTask { try await waiting.credentials(for: fixture.id, trigger: nil, now: now) }
                    try await lockClock.waitForSleepers()
                    try fixture.store.storeRefreshedCredentials(
                        elsewhere, accessTokenExpiresAt: now.addingTimeInterval(3600), for: fixture.id,
                        replacingRefreshToken: "rt-0")
                    flock(descriptor, LOCK_UN)
                    try await lockClock.advanceToNextSleeper()
                    return try await group.next() ?? nil
                }
            }
            #expect(result == elsewhere)
            #expect(fake.refreshCount == 0)
        }
    }

    /// Once the issuer has rotated the refresh token, a store that is busy past its timeout does not drop the new
    /// tokens: the refresher keeps the lock and retries the write until it succeeds, and the request gets them.
    @Test func refreshedTokensSurviveABusyStore() async throws {
        let fixture = try makeFixture()
        defer { fixture.temporary.remove() }
        let busyStore = try AccountStore(
            directory: fixture.directory, configuration: .init(busyTimeout: .milliseconds(50)))
        let fake = FakeIssuer()
        fake.register(refreshToken: "rt-0", identity: identity)
        // Another process holds the database's write lock until the refresher has failed to write once.
        let holder = try WriteLockHolder(fixture.directory)
        let (logger, messages) = LogMessages.logger()
        try await fake.run { issuer in
            let refresher = TokenRefresher(
                store: busyStore, directory: fixture.directory, issuer: issuer, httpClient: .shared, logger: logger)
            let trigger = TokenRefresher.Trigger.unauthorized(rejectedAccessToken: fixture.original.accessToken)
            let refreshed = try await withTimeout(.seconds(10), waitingFor: "the refreshed credentials") {
                try await withThrowingTaskGroup(of: AccountCredentials?.self) { group in
                    group.addTask { try await refresher.credentials(for: fixture.id, trigger: trigger, now: now) }
                    group.addTask {
                        for await (_, message) in messages where message.hasPrefix("cannot store refreshed tokens") {
                            holder.release()
                            break
                        }
                        return nil
                    }
                    var result: AccountCredentials?
                    for try await value in group where value != nil { result = value }
                    return result
                }
            }
            #expect(refreshed?.refreshToken == "rt-acct-A-1")
            #expect(refreshed?.accessToken == FakeIssuer.accessToken(for: identity, serial: 1))
            #expect(try fixture.store.credentials(for: fixture.id)?.refreshToken == "rt-acct-A-1")
            #expect(fake.refreshCount == 1)
        }
    }

    /// A store that stays unwritable past the retry budget: the request still gets the new tokens, they wait in a
    /// private recovery file with one error naming the runbook, and the next store open adopts them.
    @Test func unwritableStoreKeepsRefreshedTokensInARecoveryFile() async throws {
        let fixture = try makeFixture()
        defer { fixture.temporary.remove() }
        let busyStore = try AccountStore(
            directory: fixture.directory, configuration: .init(busyTimeout: .milliseconds(20)))
        let fake = FakeIssuer()
        fake.register(refreshToken: "rt-0", identity: identity)
        let holder = try WriteLockHolder(fixture.directory)
        let (logger, messages) = LogMessages.logger()
        let refreshed = try await fake.run { issuer in
            var refresher = TokenRefresher(
                store: busyStore, directory: fixture.directory, issuer: issuer, httpClient: .shared, logger: logger)
            refresher.storeRetryBudget = .seconds(5)
            let retryClock = TestClock()
            refresher.storeRetryClock = retryClock
            let trigger = TokenRefresher.Trigger.unauthorized(rejectedAccessToken: fixture.original.accessToken)
            let retrying = refresher
            // The retry pauses pass at once: the clock moves to each one's end as soon as it starts.
            return try await retryClock.advancingSleepers {
                try await retrying.credentials(for: fixture.id, trigger: trigger, now: now)
            }
        }
        holder.release()
        #expect(refreshed.refreshToken == "rt-acct-A-1")
        #expect(try fixture.store.credentials(for: fixture.id)?.refreshToken == "rt-0")
        let file = TokenRecovery.url(for: fixture.id, in: fixture.directory).path(percentEncoded: false)
        let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let errors = try await withTimeout(.seconds(10), waitingFor: "the error about the recovery file") {
            var errors: [String] = []
            for await (level, message) in messages {
                if level >= .error { errors.append(message) }
                if message.contains("recovery file") { break }
            }
            return errors
        }
        #expect(errors.count == 1)
        #expect(errors.first?.contains("runbooks/refresh-recovered.md") == true)

        let reopened = try AccountStore(directory: fixture.directory)
        #expect(try reopened.credentials(for: fixture.id) == refreshed)
        #expect(!FileManager.default.fileExists(atPath: file))
    }

    /// A re-login stored while a refresh was in flight wins: the refresher stores nothing over it and hands out the
    /// re-login's tokens.
    @Test func aReloginDuringTheRefreshWins() async throws {
        let fixture = try makeFixture()
        defer { fixture.temporary.remove() }
        let fake = FakeIssuer(holdingRefreshes: true)
        fake.register(refreshToken: "rt-0", identity: identity)
        let relogin = AccountLogin(
            email: identity.email,
            chatgptAccountID: identity.accountID,
            credentials: AccountCredentials(
                idToken: FakeIssuer.idToken(for: identity, serial: 7),
                accessToken: TestJWT.make(
                    email: nil, accountID: identity.accountID, plan: nil, expiresAt: now.addingTimeInterval(7200),
                    serial: 7),
                refreshToken: "rt-relogin"),
            accessTokenExpiresAt: now.addingTimeInterval(7200)
        )
        try await fake.run { issuer in
            let refresher = refresher(fixture, issuer: issuer)
            let trigger = TokenRefresher.Trigger.unauthorized(rejectedAccessToken: fixture.original.accessToken)
            let result = try await withTimeout(.seconds(10), waitingFor: "the refresh") {
                try await withThrowingTaskGroup(of: AccountCredentials.self) { group in
                    group.addTask { try await refresher.credentials(for: fixture.id, trigger: trigger, now: now) }
                    var arrivals = fake.refreshArrivals.makeAsyncIterator()
                    _ = await arrivals.next()
                    // The re-login lands while the issuer is answering (it would hold the lock; the test plays it).
                    try fixture.store.saveLogin(relogin, replacing: .always, holdingLockOf: fixture.id)
                    fake.refreshGate?.open()
                    return try await group.next()!
                }
            }
            #expect(result == relogin.credentials)
            #expect(try fixture.store.credentials(for: fixture.id) == relogin.credentials)
        }
    }

    /// Tokens waiting in a recovery file are what the next refresh of the account starts from: the spent stored
    /// refresh token is never sent.
    @Test func theNextRefreshAdoptsARecoveryFile() async throws {
        let fixture = try makeFixture(accessTokenExpiresAt: now.addingTimeInterval(60))
        defer { fixture.temporary.remove() }
        let fake = FakeIssuer()
        fake.register(refreshToken: "rt-recovered", identity: identity)
        fake.state.withLock { $0.refreshAccounts[identity.accountID]?.usedRefreshTokens = ["rt-0"] }
        let recovered = AccountCredentials(
            idToken: fixture.original.idToken,
            accessToken: TestJWT.make(
                email: nil, accountID: identity.accountID, plan: nil, expiresAt: now.addingTimeInterval(120), serial: 5),
            refreshToken: "rt-recovered")
        try TokenRecovery.save(
            recovered, accessTokenExpiresAt: now.addingTimeInterval(120), for: fixture.id, in: fixture.directory)
        try await fake.run { issuer in
            let refreshed = try await refresher(fixture, issuer: issuer).credentials(
                for: fixture.id, trigger: nil, now: now)
            #expect(fake.refreshCount == 1)
            let request = try #require(fake.state.withLock { $0.refreshRequests.first })
            #expect(request["refresh_token"] == "rt-recovered")
            #expect(try fixture.store.credentials(for: fixture.id) == refreshed)
            #expect(try fixture.store.account(fixture.id)?.status == .ready)
        }
    }
}
