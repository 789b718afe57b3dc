import AsyncHTTPClient
import Foundation
import Logging

/// The login for machines without a browser: the user enters a one-time code at `{issuer}/codex/device` on any
/// device while rotor polls until the login is approved, then exchanges the code it receives.
public struct DeviceCodeLogin: Sendable {
    /// The issuer to log in with.
    public var issuer: OAuthIssuer
    /// When `timeout` is set, it shortens the login below the code's lifetime.
    public var settings: LoginSettings
    var post: OAuthPost
    var exchange: CodeExchange

    /// A login against `issuer` over `httpClient`.
    public init(issuer: OAuthIssuer, httpClient: HTTPClient, logger: Logger, settings: LoginSettings = LoginSettings())
    {
        self.issuer = issuer
        self.settings = settings
        self.post = OAuthPost(httpClient: httpClient, timeout: .seconds(30), logger: logger)
        self.exchange = CodeExchange(issuer: issuer, httpClient: httpClient, logger: logger)
    }

    /// Where the user enters the code.
    public var verificationURL: URL { issuer.endpoint("/codex/device") }
    /// The redirect URI the device flow's code is exchanged with.
    public var redirectURI: String { issuer.endpoint("/deviceauth/callback").absoluteString }

    /// Runs the login and returns the exchanged tokens.
    /// - Parameters:
    ///   - now: the wall-clock time at the start (the server's expiry is a wall-clock time).
    ///   - clock: paces the polls (tests pass a clock that does not really wait).
    ///   - rng: jitters the retries.
    /// - Throws: ``LoginError``.
    public func run(
        console: some LoginConsole,
        now: Date,
        clock: some Clock<Duration> = ContinuousClock(),
        using rng: inout some RandomNumberGenerator
    ) async throws -> LoginTokens {
        let grant = try await requestCode(now: now)
        var budget = grant.lifetime(now: now)
        if let timeout = settings.timeout { budget = min(budget, timeout) }
        console.show(.deviceCode(verificationURL: verificationURL, userCode: grant.userCode, expiresIn: budget))
        console.show(.waitingForDeviceApproval)

        var schedule = DevicePollSchedule(interval: grant.interval, budget: budget)
        let start = clock.now
        var action = schedule.next(after: .started, elapsed: .zero, using: &rng)
        while case .poll(let delay) = action {
            try await clock.sleep(for: delay)
            let elapsed = start.duration(to: clock.now)
            let event: DevicePollSchedule.Event
            switch await poll(grant, now: now.adding(elapsed)) {
            case .approved(let code, let verifier):
                return try await exchange.exchange(code: code, verifier: verifier, redirectURI: redirectURI)
            case .failed(let error):
                throw error
            case .pending(let retryAfter):
                event = .pending(retryAfter: retryAfter)
            case .slowDown(let retryAfter):
                event = .slowDown(retryAfter: retryAfter)
            case .retryable(let retryAfter):
                event = .retryableFailure(retryAfter: retryAfter)
            }
            action = schedule.next(after: event, elapsed: start.duration(to: clock.now), using: &rng)
        }
        throw LoginError.deviceCodeExpired
    }

    private func requestCode(now: Date) async throws(LoginError) -> DeviceCodeGrant {
        let answer: OAuthPost.Answer
        do {
            answer = try await post.send(
                .json(UserCodeRequest(clientID: OAuthIssuer.clientID)),
                to: issuer.endpoint("/api/accounts/deviceauth/usercode")
            )
        } catch {
            throw .unreachable(issuer, reason: error.description)
        }
        guard answer.isSuccess else {
            if answer.status == 404 { throw .deviceCodeUnavailable(status: answer.status) }
            throw .deviceCodeRejected(status: answer.status, errorCode: OAuthErrorBody.code(in: answer.body))
        }
        return try DeviceCodeGrant.parse(answer.body, now: now)
    }

    private func poll(_ grant: DeviceCodeGrant, now: Date) async -> DevicePollAnswer {
        do {
            let answer = try await post.send(
                .json(TokenPollRequest(deviceAuthID: grant.deviceAuthID, userCode: grant.userCode)),
                to: issuer.endpoint("/api/accounts/deviceauth/token")
            )
            return DevicePollAnswer.classify(
                status: answer.status, retryAfter: answer.retryAfter, body: answer.body, now: now)
        } catch {
            post.logger.debug("device login poll failed", metadata: ["rotor.error": "\(error.description)"])
            return .retryable(retryAfter: nil)
        }
    }

    private struct UserCodeRequest: Encodable {
        var clientID: String
        enum CodingKeys: String, CodingKey { case clientID = "client_id" }
    }

    private struct TokenPollRequest: Encodable {
        var deviceAuthID: String
        var userCode: String
        enum CodingKeys: String, CodingKey {
            case deviceAuthID = "device_auth_id"
            case userCode = "user_code"
        }
    }
}

extension Date {
    /// This instant moved by `duration`.
    func adding(_ duration: Duration) -> Date {
        let components = duration.components
        return addingTimeInterval(Double(components.seconds) + Double(components.attoseconds) / 1e18)
    }
}
