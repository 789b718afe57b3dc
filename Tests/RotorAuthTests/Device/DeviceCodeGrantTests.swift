import Foundation
import RotorTestSupport
import Testing

@testable import RotorAuth

struct DeviceCodeGrantTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// The real server's shape: `interval` as a string, `user_code`, ISO 8601 `expires_at`.
    @Test func readsTheRealShape() throws {
        let body = #"{"device_auth_id":"d","user_code":"AB-12","interval":"7","expires_at":"2027-01-15T08:10:00.123Z"}"#
        let grant = try DeviceCodeGrant.parse(Data(body.utf8), now: now)
        #expect(grant.deviceAuthID == "d")
        #expect(grant.userCode == "AB-12")
        #expect(grant.interval == .seconds(7))
        #expect(grant.expiresAt == Date(timeIntervalSince1970: 1_800_000_000 + 600.123))
        #expect(grant.lifetime(now: now) == .milliseconds(600_123))
    }

    /// `usercode`, a numeric interval and `expires_in` are accepted too.
    @Test func readsTheAlternativeSpellings() throws {
        let body = #"{"device_auth_id":"d","usercode":"XY","interval":3,"expires_in":120}"#
        let grant = try DeviceCodeGrant.parse(Data(body.utf8), now: now)
        #expect(grant.userCode == "XY")
        #expect(grant.interval == .seconds(3))
        #expect(grant.lifetime(now: now) == .seconds(120))
    }

    /// No expiry means 15 minutes; a later expiry is cut to 15 minutes; no interval means 5 s.
    @Test func defaults() throws {
        let plain = try DeviceCodeGrant.parse(Data(#"{"device_auth_id":"d","user_code":"C"}"#.utf8), now: now)
        #expect(plain.interval == .seconds(5))
        #expect(plain.lifetime(now: now) == .seconds(900))
        let long = try DeviceCodeGrant.parse(
            Data(#"{"device_auth_id":"d","user_code":"C","expires_in":"7200"}"#.utf8), now: now)
        #expect(long.lifetime(now: now) == .seconds(900))
    }

    /// Without the id or the code there is nothing to poll.
    @Test(arguments: [
        #"{"user_code":"C"}"#, #"{"device_auth_id":"d"}"#, #"{"device_auth_id":"d","user_code":""}"#, "[]",
    ])
    func refusesIncompleteGrants(_ body: String) {
        #expect(throws: LoginError.self) { try DeviceCodeGrant.parse(Data(body.utf8), now: now) }
    }
}

struct DevicePollAnswerTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// Each status/body pair maps to the right next step.
    @Test(
        arguments: [
            (403, nil, #"{"error":"authorization_pending"}"#, DevicePollAnswer.pending(retryAfter: nil)),
            (404, nil, "", .pending(retryAfter: nil)),
            (400, nil, #"{"error":"authorization_pending"}"#, .pending(retryAfter: nil)),
            (403, "9", "", .pending(retryAfter: .seconds(9))),
            (400, nil, #"{"error":"slow_down"}"#, .slowDown(retryAfter: nil)),
            (429, "12", "", .slowDown(retryAfter: .seconds(12))),
            (503, nil, "", .retryable(retryAfter: nil)),
            (500, "Fri, 15 Jan 2027 08:00:30 GMT", "", .retryable(retryAfter: .seconds(30))),
            (408, nil, "", .retryable(retryAfter: nil)),
            (400, nil, #"{"error":"expired_token"}"#, .failed(.deviceCodeExpired)),
            (
                400, nil, #"{"error":"access_denied"}"#,
                .failed(.authorizationDenied(error: "access_denied", description: nil))
            ),
            (
                401, nil, #"{"error":"invalid_client"}"#,
                .failed(.deviceCodeRejected(status: 401, errorCode: "invalid_client"))
            ),
        ] as [(Int, String?, String, DevicePollAnswer)])
    func classifies(_ status: Int, _ retryAfter: String?, _ body: String, _ expected: DevicePollAnswer) {
        // 2027-01-15T08:00:00Z
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(
            DevicePollAnswer.classify(status: status, retryAfter: retryAfter, body: Data(body.utf8), now: now)
                == expected)
    }

    /// Approval carries the code and the verifier; without the challenge it is refused.
    @Test func approval() {
        let body = #"{"authorization_code":"c","code_challenge":"x","code_verifier":"v"}"#
        #expect(
            DevicePollAnswer.classify(status: 200, retryAfter: nil, body: Data(body.utf8), now: now)
                == .approved(authorizationCode: "c", codeVerifier: "v")
        )
        let partial = #"{"authorization_code":"c","code_verifier":"v"}"#
        guard
            case .failed(let error) = DevicePollAnswer.classify(
                status: 200, retryAfter: nil, body: Data(partial.utf8), now: now)
        else {
            Issue.record("an approval without challenge must fail")
            return
        }
        #expect(error.code == .invalidTokenResponse)
    }
}

struct DevicePollScheduleTests {
    /// Polls every interval while pending; a longer Retry-After wins, a shorter one does not poll sooner.
    @Test func pendingFollowsTheIntervalAndRetryAfter() {
        var rng = SeededGenerator(seed: 1)
        var schedule = DevicePollSchedule(interval: .seconds(5), budget: .seconds(900))
        #expect(schedule.next(after: .started, elapsed: .zero, using: &rng) == .poll(after: .seconds(5)))
        #expect(
            schedule.next(after: .pending(retryAfter: nil), elapsed: .seconds(5), using: &rng)
                == .poll(after: .seconds(5)))
        #expect(
            schedule.next(after: .pending(retryAfter: .seconds(20)), elapsed: .seconds(10), using: &rng)
                == .poll(after: .seconds(20)))
        #expect(
            schedule.next(after: .pending(retryAfter: .seconds(1)), elapsed: .seconds(30), using: &rng)
                == .poll(after: .seconds(5)))
    }

    /// `slow_down` adds 5 s to the interval for good (RFC 8628 §3.5) and still honours Retry-After.
    @Test func slowDownWidensTheInterval() {
        var rng = SeededGenerator(seed: 1)
        var schedule = DevicePollSchedule(interval: .seconds(5), budget: .seconds(900))
        #expect(
            schedule.next(after: .slowDown(retryAfter: nil), elapsed: .seconds(5), using: &rng)
                == .poll(after: .seconds(10)))
        #expect(
            schedule.next(after: .pending(retryAfter: nil), elapsed: .seconds(15), using: &rng)
                == .poll(after: .seconds(10)))
        #expect(
            schedule.next(after: .slowDown(retryAfter: .seconds(30)), elapsed: .seconds(25), using: &rng)
                == .poll(after: .seconds(30)))
        #expect(schedule.interval == .seconds(15))
    }

    /// Transient failures wait the interval plus a jitter that grows with each failure up to 60 s; Retry-After wins;
    /// a regular answer resets the count.
    @Test func transientFailuresBackOffWithJitter() {
        var rng = SeededGenerator(seed: 42)
        var schedule = DevicePollSchedule(interval: .seconds(5), budget: .seconds(900))
        var delays: [Duration] = []
        for failure in 1...6 {
            guard
                case .poll(let delay) = schedule.next(
                    after: .retryableFailure(retryAfter: nil), elapsed: .seconds(10), using: &rng)
            else {
                Issue.record("failure \(failure) must poll again")
                return
            }
            let cap = min(Duration.seconds(60), .seconds(5) * (1 << (failure - 1)))
            #expect(delay >= .seconds(5) && delay <= .seconds(5) + cap)
            delays.append(delay)
        }
        #expect(Set(delays).count > 1)
        #expect(schedule.consecutiveFailures == 6)
        #expect(
            schedule.next(after: .retryableFailure(retryAfter: .seconds(2)), elapsed: .seconds(10), using: &rng)
                == .poll(after: .seconds(2)))
        _ = schedule.next(after: .pending(retryAfter: nil), elapsed: .seconds(12), using: &rng)
        #expect(schedule.consecutiveFailures == 0)
    }

    /// The last poll happens at the end of the budget; after it, the code has expired.
    @Test func expiresAtTheBudget() {
        var rng = SeededGenerator(seed: 1)
        var schedule = DevicePollSchedule(interval: .seconds(5), budget: .seconds(12))
        #expect(
            schedule.next(after: .pending(retryAfter: nil), elapsed: .seconds(10), using: &rng)
                == .poll(after: .seconds(2)))
        #expect(schedule.next(after: .pending(retryAfter: nil), elapsed: .seconds(12), using: &rng) == .expire)
    }

    /// An interval of 0 from the server still waits a second between polls.
    @Test func intervalHasAFloor() {
        var rng = SeededGenerator(seed: 1)
        var schedule = DevicePollSchedule(interval: .zero, budget: .seconds(60))
        #expect(schedule.next(after: .started, elapsed: .zero, using: &rng) == .poll(after: .seconds(1)))
    }
}
