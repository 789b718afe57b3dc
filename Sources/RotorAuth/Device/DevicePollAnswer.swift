import Foundation

/// What one poll of `POST {issuer}/api/accounts/deviceauth/token` means.
public enum DevicePollAnswer: Sendable, Hashable {
    /// The user approved: exchange this code with this verifier.
    case approved(authorizationCode: String, codeVerifier: String)
    /// Not approved yet (403, 404, or `authorization_pending`).
    case pending(retryAfter: Duration?)
    /// Poll less often (`slow_down`, or 429).
    case slowDown(retryAfter: Duration?)
    /// A transient failure (408, 5xx, no answer): poll again after a jittered backoff.
    case retryable(retryAfter: Duration?)
    /// The login cannot succeed any more.
    case failed(LoginError)

    /// Classifies an answer; `retryAfter` is the `Retry-After` header as sent, read relative to `now`.
    public static func classify(status: Int, retryAfter: String?, body: Data, now: Date) -> DevicePollAnswer {
        let delay = retryAfter.flatMap { RetryAfterHeader.delay($0, now: now) }
        if (200..<300).contains(status) {
            guard let approval = try? JSONDecoder().decode(Approval.self, from: body),
                let code = approval.authorizationCode, !code.isEmpty,
                let verifier = approval.codeVerifier, !verifier.isEmpty,
                !(approval.codeChallenge ?? "").isEmpty
            else {
                return .failed(.invalidTokenResponse("the device-code approval lacks the code, challenge or verifier"))
            }
            return .approved(authorizationCode: code, codeVerifier: verifier)
        }
        let errorCode = OAuthErrorBody.code(in: body)
        switch (status, errorCode) {
        case (_, "slow_down"), (429, _):
            return .slowDown(retryAfter: delay)
        case (_, "authorization_pending"), (403, _), (404, _):
            return .pending(retryAfter: delay)
        case (_, "expired_token"):
            return .failed(.deviceCodeExpired)
        case (_, "access_denied"):
            return .failed(.authorizationDenied(error: "access_denied", description: nil))
        case (408, _), (500..<600, _):
            return .retryable(retryAfter: delay)
        default:
            return .failed(.deviceCodeRejected(status: status, errorCode: errorCode))
        }
    }

    private struct Approval: Decodable {
        var authorizationCode: String?
        var codeChallenge: String?
        var codeVerifier: String?

        enum CodingKeys: String, CodingKey {
            case authorizationCode = "authorization_code"
            case codeChallenge = "code_challenge"
            case codeVerifier = "code_verifier"
        }
    }
}

extension DevicePollAnswer: CustomStringConvertible {
    /// Redacted: the code and verifier never print.
    public var description: String {
        switch self {
        case .approved: "approved(<redacted>)"
        case .pending(let delay): "pending(retryAfter: \(delay.map { "\($0)" } ?? "nil"))"
        case .slowDown(let delay): "slowDown(retryAfter: \(delay.map { "\($0)" } ?? "nil"))"
        case .retryable(let delay): "retryable(retryAfter: \(delay.map { "\($0)" } ?? "nil"))"
        case .failed(let error): "failed(\(error.code.rawValue))"
        }
    }
}

/// Reads a `Retry-After` header: delta-seconds, or an HTTP-date relative to `now`.
enum RetryAfterHeader {
    /// The delay the header asks for, clamped to [0, 1 h]; `nil` when it is neither form.
    static func delay(_ value: String, now: Date) -> Duration? {
        let text = value.trimmingCharacters(in: .whitespaces)
        var seconds: Double?
        if let number = Double(text), number.isFinite {
            seconds = number
        } else {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
            seconds = formatter.date(from: text)?.timeIntervalSince(now)
        }
        guard let seconds else { return nil }
        return .milliseconds(Int64(min(max(seconds, 0), 3600) * 1000))
    }
}
