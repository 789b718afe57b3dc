import Foundation
import RotorCore

/// Why a login did not produce an account. Each description is one sentence: what went wrong and what to do.
///
/// No description ever contains the authorization code, the PKCE verifier or a token; text that comes from the
/// server or the browser is cleaned of control characters and shortened first (``TerminalText``).
public struct LoginError: UserFacingError, Hashable {
    /// The kind of failure, without associated values (for logs and tests).
    public enum Code: String, Hashable, Sendable {
        case invalidIssuer = "invalid-issuer"
        case invalidTimeout = "invalid-timeout"
        case stateMismatch = "state-mismatch"
        case authorizationDenied = "authorization-denied"
        case missingCode = "missing-code"
        case pasteNotRecognized = "paste-not-recognized"
        case timedOut = "timed-out"
        case inputEnded = "input-ended"
        case tokenEndpointRejected = "token-endpoint-rejected"
        case invalidTokenResponse = "invalid-token-response"
        case unreachable
        case deviceCodeUnavailable = "device-code-unavailable"
        case deviceCodeExpired = "device-code-expired"
        case deviceCodeRejected = "device-code-rejected"
        case missingIdentity = "missing-identity"
    }

    /// The kind of failure.
    public let code: Code
    /// The one-sentence message shown as `rotor: <description>`.
    public let description: String

    private init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }

    public var exitCode: Int32 {
        switch code {
        case .invalidIssuer, .invalidTimeout: ExitStatusCode.configuration
        case .timedOut, .deviceCodeExpired: ExitStatusCode.temporaryFailure
        case .unreachable, .deviceCodeUnavailable: ExitStatusCode.unavailable
        case .invalidTokenResponse, .missingIdentity: ExitStatusCode.dataError
        case .inputEnded: ExitStatusCode.noInput
        case .stateMismatch, .authorizationDenied, .missingCode, .pasteNotRecognized, .tokenEndpointRejected,
            .deviceCodeRejected:
            ExitStatusCode.failure
        }
    }

    static let again = "run `rotor accounts add` again"

    /// `$ROTOR_AUTH_ISSUER` is not an absolute http(s) URL.
    public static func invalidIssuer(_ value: String) -> LoginError {
        LoginError(
            .invalidIssuer,
            "ROTOR_AUTH_ISSUER is not an http(s) URL (\(TerminalText.clean(value))); "
                + "set it to the issuer's base URL or unset it"
        )
    }

    /// `$ROTOR_LOGIN_TIMEOUT` is not a positive number of seconds.
    public static func invalidTimeout(_ value: String) -> LoginError {
        LoginError(
            .invalidTimeout,
            "ROTOR_LOGIN_TIMEOUT must be a positive number of seconds, not \(TerminalText.clean(value)); "
                + "fix or unset it"
        )
    }

    /// The pasted answers kept carrying a `state` other than this login's (a stale tab).
    public static let stateMismatch = LoginError(
        .stateMismatch,
        "the login answer belongs to a different login attempt (state mismatch); \(again) and use the new URL"
    )

    /// The issuer redirected back with `error` (and maybe `error_description`).
    public static func authorizationDenied(error: String, description: String?) -> LoginError {
        let detail =
            description.map { "\(TerminalText.clean(error)): \(TerminalText.clean($0))" } ?? TerminalText.clean(error)
        return LoginError(.authorizationDenied, "the login was refused (\(detail)); \(again)")
    }

    /// The callback or pasted URL carried no authorization code.
    public static let missingCode = LoginError(
        .missingCode,
        "the login answer carries no authorization code; \(again) and finish the login in the browser"
    )

    /// The pasted texts kept being something other than the address the login ended on.
    public static let pasteNotRecognized = LoginError(
        .pasteNotRecognized,
        "the pasted text is not the address the login ended on; \(again) and paste the full address from the "
            + "browser's address bar"
    )

    /// Nothing completed the login within the timeout.
    public static func timedOut(after timeout: Duration) -> LoginError {
        LoginError(
            .timedOut,
            "no login completed within \(Self.span(timeout)); \(again) (ROTOR_LOGIN_TIMEOUT sets the limit)"
        )
    }

    /// Standard input ended before a redirect URL was pasted.
    public static let inputEnded = LoginError(
        .inputEnded,
        "standard input ended before the redirect URL was pasted; run `rotor accounts add --no-browser` in a terminal"
    )

    /// The token endpoint answered the code exchange with an error.
    public static func tokenEndpointRejected(status: Int, errorCode: String?) -> LoginError {
        let detail = errorCode.map { "HTTP \(status), \(TerminalText.clean($0))" } ?? "HTTP \(status)"
        return LoginError(
            .tokenEndpointRejected, "the login server refused the authorization code (\(detail)); \(again)")
    }

    /// The token endpoint's answer lacks what a login needs.
    public static func invalidTokenResponse(_ problem: String) -> LoginError {
        LoginError(.invalidTokenResponse, "the login server's answer is unusable (\(problem)); \(again)")
    }

    /// The issuer could not be reached or did not answer in time.
    public static func unreachable(_ issuer: OAuthIssuer, reason: String) -> LoginError {
        LoginError(
            .unreachable,
            "cannot reach the login server \(issuer.url.absoluteString) (\(TerminalText.clean(reason))); "
                + "check the network and \(again)"
        )
    }

    /// The issuer does not offer device-code login.
    public static func deviceCodeUnavailable(status: Int) -> LoginError {
        LoginError(
            .deviceCodeUnavailable,
            "the login server does not offer device-code login (HTTP \(status)); "
                + "use `rotor accounts add --no-browser` instead"
        )
    }

    /// The device code expired (or the overall limit passed) before the login was approved.
    public static let deviceCodeExpired = LoginError(
        .deviceCodeExpired,
        "the device code expired before the login was approved; run `rotor accounts add --device` again"
    )

    /// The device-code poll failed for good (denied, or an unexpected status).
    public static func deviceCodeRejected(status: Int, errorCode: String?) -> LoginError {
        let detail = errorCode.map { "HTTP \(status), \(TerminalText.clean($0))" } ?? "HTTP \(status)"
        return LoginError(
            .deviceCodeRejected,
            "the device-code login failed (\(detail)); run `rotor accounts add --device` again"
        )
    }

    /// The tokens do not name an account (no email or no ChatGPT account id).
    public static func missingIdentity(_ reason: String) -> LoginError {
        LoginError(.missingIdentity, "the login's tokens do not name a ChatGPT account (\(reason)); \(again)")
    }

    /// `1 second`, `300 seconds`, `0.5 seconds`.
    static func span(_ duration: Duration) -> String {
        let components = duration.components
        if components.attoseconds == 0 { return components.seconds == 1 ? "1 second" : "\(components.seconds) seconds" }
        let value = Double(components.seconds) + Double(components.attoseconds) / 1e18
        return String(format: "%.1f seconds", value)
    }
}
