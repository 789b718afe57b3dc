import AsyncHTTPClient
import Foundation
import Logging
import RotorTestSupport
import Synchronization
import Testing

@testable import RotorAuth

/// The device-code login against a fake issuer on 127.0.0.1, paced by a clock that does not really wait.
struct DeviceCodeLoginTests {
    let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func run(_ issuer: OAuthIssuer, clock: TestClock, user: TestUser = TestUser(), seed: UInt64 = 1) async throws
        -> LoginTokens
    {
        let login = DeviceCodeLogin(issuer: issuer, httpClient: .shared, logger: logger)
        let now = self.now
        return try await withTimeout(.seconds(10), waitingFor: "the device login") {
            // The clock moves to each poll's deadline as soon as the login sleeps: no real waiting.
            try await clock.advancingSleepers {
                var rng = SeededGenerator(seed: seed)
                return try await login.run(console: user, now: now, clock: clock, using: &rng)
            }
        }
    }

    /// Pending answers (403, 404) keep polling at the interval; the approval is exchanged with the server's verifier
    /// and `{issuer}/deviceauth/callback`.
    @Test func pollsWhilePendingThenSucceeds() async throws {
        let fake = FakeIssuer()
        fake.state.withLock {
            $0.pollAnswers = [FakeIssuer.Answer(status: 403, body: "{}"), FakeIssuer.Answer(status: 404, body: "")]
        }
        fake.approveDevice()
        let clock = TestClock()
        let user = TestUser()
        try await fake.run { issuer in
            let tokens = try await run(issuer, clock: clock, user: user)
            #expect(tokens.refreshToken.hasPrefix("rt-device-code-"))
            #expect(clock.sleeps == [.seconds(5), .seconds(5), .seconds(5)])
            let polls = fake.state.withLock { $0.pollRequests }
            #expect(polls.count == 3)
            #expect(polls.allSatisfy { $0 == ["device_auth_id": "dev-1", "user_code": "ABCD-EFGH"] })
            #expect(
                fake.state.withLock { $0.exchangeRequests.last?["redirect_uri"] }
                    == issuer.endpoint("/deviceauth/callback").absoluteString)
            #expect(
                user.messages.first
                    == .deviceCode(
                        verificationURL: issuer.endpoint("/codex/device"), userCode: "ABCD-EFGH",
                        expiresIn: .seconds(900)))
        }
    }

    /// `slow_down` widens the interval by 5 s, Retry-After is honoured, a 503 backs off with jitter.
    @Test func slowsDownAndHonoursRetryAfter() async throws {
        let fake = FakeIssuer()
        fake.state.withLock {
            $0.pollAnswers = [
                FakeIssuer.Answer(status: 400, body: #"{"error":"slow_down"}"#),
                FakeIssuer.Answer(status: 429, body: "", retryAfter: "17"),
                FakeIssuer.Answer(status: 503, body: ""),
            ]
        }
        fake.approveDevice()
        let clock = TestClock()
        try await fake.run { issuer in
            _ = try await run(issuer, clock: clock)
            let sleeps = clock.sleeps
            try #require(sleeps.count == 4)
            #expect(Array(sleeps.prefix(3)) == [.seconds(5), .seconds(10), .seconds(17)])
            #expect(sleeps[3] >= .seconds(15) && sleeps[3] <= .seconds(30))
        }
    }

    /// Never approved: the login ends when the code expires, having polled up to its expiry and not after.
    @Test func expires() async throws {
        let fake = FakeIssuer()
        fake.state.withLock {
            $0.userCodeAnswer = FakeIssuer.Answer(
                status: 200,
                body: #"{"device_auth_id":"dev-1","usercode":"WXYZ","interval":5,"expires_in":"32"}"#
            )
        }
        let clock = TestClock()
        try await fake.run { issuer in
            await #expect(throws: LoginError.deviceCodeExpired) { _ = try await run(issuer, clock: clock) }
            #expect(clock.sleeps.reduce(.zero, +) == .seconds(32))
            #expect(clock.sleeps.last == .seconds(2))
            #expect(fake.state.withLock { $0.pollRequests.count } == 7)
        }
    }

    /// An issuer without device-code login says so and points to the paste flow.
    @Test func unavailable() async throws {
        let fake = FakeIssuer()
        fake.state.withLock { $0.userCodeAnswer = FakeIssuer.Answer(status: 404, body: "") }
        try await fake.run { issuer in
            await #expect(throws: LoginError.deviceCodeUnavailable(status: 404)) {
                _ = try await run(issuer, clock: TestClock())
            }
        }
    }
}
