import AsyncHTTPClient
import Foundation
import Logging
import NIOPosix
import RotorAuth
import RotorCore
@testable import RotorProxy
import RotorStore
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
}
