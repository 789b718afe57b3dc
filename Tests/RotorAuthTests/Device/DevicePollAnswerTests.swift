import Foundation
import Testing

@testable import RotorAuth

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
