import AsyncHTTPClient
import Foundation
import Logging
import NIOPosix
import RotorAuth
import RotorCore
@testable import RotorProxy
import RotorStore
import RotorTestSupport
import Testing

/// Tokens are refreshed ahead of expiry while the proxy runs, cooling accounts included.
@Suite(.timeLimit(.minutes(1)))
struct TokenRenewalLoopTests {
    /// A cooling account whose token expires within five minutes is refreshed, so it returns usable; an account
    /// whose token is good for an hour is left alone.
    @Test func renewsCoolingAccountBeforeExpiry() async throws {
        let tokens = TokenEndpoint()
        try await RotationWorld.with(["A", "B"]) { world in
            let now = Date()
            try world.store.storeRefreshedCredentials(
                AccountCredentials(idToken: "id-A", accessToken: "at-A-0", refreshToken: "rt-A-0"),
                accessTokenExpiresAt: now.addingTimeInterval(60), for: world.id("A"),
                replacingRefreshToken: try #require(try world.store.credentials(for: world.id("A"))).refreshToken)
            try world.store.recordCooldown(Cooldown(until: now.addingTimeInterval(3600), reason: .usageLimit),
                                           consecutiveFailures: 1, for: world.id("A"), now: now)
            try await FakeUpstream.run(handler: { tokens.answer($0) }) { upstream in
                try await withTestClient { logger, client in
                    let refresher = TokenRefresher(
                        store: world.store, directory: world.directory,
                        issuer: OAuthIssuer(url: URL(string: "http://127.0.0.1:\(upstream.port)")!),
                        httpClient: client, logger: logger)
                    await TokenRenewalLoop(store: world.store, refresher: refresher, logger: logger).renewDue(now: now)
                }
            }
            #expect(tokens.calls == 1)
            #expect(try world.store.credentials(for: world.id("A"))?.accessToken == "at-A-1")
            #expect(try world.store.credentials(for: world.id("B"))?.accessToken == "at-B-0")
            #expect(try world.account("A").cooldown != nil, "renewal does not end the cooldown")
        }
    }

    /// The renewal runs as a service of the proxy: a pass at start, then one per interval on the proxy's injected
    /// clock (advanced by the test, never slept for real), until the proxy stops.
    @Test func runsAPassPerIntervalOnTheProxysClock() async throws {
        let tokens = TokenEndpoint()
        let clock = TestClock(startDate: Date())
        try await RotationWorld.with(["A"]) { world in
            try Self.expireSoon("A", generation: 0, in: world, at: clock.date)
            try await FakeUpstream.run(handler: { tokens.answer($0) }) { upstream in
                try await withStoreProxy(world: world, upstream: upstream, configure: {
                    $0.time = TimeSource(now: { clock.date }, clock: clock)
                }) { _ in
                    let first = try await clock.waitForSleepers(count: 1)
                    #expect(first == [TestClock.Instant(offset: .seconds(60))])
                    #expect(tokens.calls == 1)
                    try Self.expireSoon("A", generation: 1, in: world, at: clock.date)
                    clock.advance(to: first[0])
                    let second = try await clock.waitForSleepers(count: 1)
                    #expect(second == [TestClock.Instant(offset: .seconds(120))])
                    #expect(tokens.calls == 2)
                }
            }
            #expect(try world.store.credentials(for: world.id("A"))?.accessToken == "at-A-2")
        }
    }

    /// Stores generation `generation` of `name`'s tokens, expiring a minute after `now` (so renewal is due).
    private static func expireSoon(_ name: String, generation: Int, in world: RotationWorld, at now: Date) throws {
        let id = world.id(name)
        try world.store.storeRefreshedCredentials(
            AccountCredentials(idToken: "id-\(name)", accessToken: "at-\(name)-\(generation)",
                               refreshToken: "rt-\(name)-\(generation)"),
            accessTokenExpiresAt: now.addingTimeInterval(60), for: id,
            replacingRefreshToken: try #require(try world.store.credentials(for: id)).refreshToken)
    }
}
