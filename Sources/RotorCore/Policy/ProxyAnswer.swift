#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Every answer rotor writes itself instead of relaying the upstream's: the one catalogue of them, which
/// docs/proxy.md lists.
///
/// Each answer has an HTTP status, an OpenAI-style error type, a stable code (no variable parts) and one sentence
/// saying what is wrong and what to do; the shell writes them as they are. A 500, 502 or 504 always carries the same
/// code: `rotor_internal`, `rotor_upstream_unavailable`, `rotor_upstream_timeout`.
public enum ProxyAnswer: Hashable, Sendable {
    // Refused before routing.

    /// 401: no or wrong proxy secret.
    case unauthorized
    /// 400: a request the HTTP/1 parser cannot read (request line, a header or framing, or not HTTP at all); the
    /// connection closes after it.
    case malformedRequest
    /// 400: more than one `Host` line (HTTP/1.1 requires this answer; only the first would be checked otherwise).
    case severalHosts
    /// 403: a `Host` header other than the proxy's loopback address and port (DNS rebinding).
    case forbiddenHost
    /// 403: a browser-originated request (it carries `Origin`).
    case forbiddenOrigin
    /// 405: `CONNECT`; rotor is not a general proxy.
    case connectNotAllowed
    /// 400: an absolute-form request target.
    case absoluteForm
    /// 413: a body above `limit` bytes (`ROTOR_MAX_BODY_BYTES`).
    case bodyTooLarge(limit: Int)
    /// 408: the request body paused longer than `after` (`ROTOR_BODY_TIMEOUT`).
    case requestTimeout(after: Duration)
    /// 415: a compressed request body.
    case compressedBody(encoding: String)
    /// 426: a websocket upgrade; Codex falls back to HTTP.
    case websocketUnsupported
    /// 404: anything but a create-response request.
    case notFound
    /// 400: a body that breaks the request invariants; the code names which.
    case invalidRequest(RequestInvariantError)

    // No account can serve.

    /// 429 `usage_limit_reached`: every account of `accounts` is out on its usage limit; the earliest reset is
    /// `resetsAt` (unix seconds), so Codex tells the user when to come back.
    case usageLimitReached(accounts: Int, resetsAt: Int, retryAfterSeconds: Int)
    /// 429 `usage_limit_reached`: every usable account (`accounts` of them) is at its reserve and the routing policy
    /// says `when-all-reserved = "wait"`; an account can serve again at `resetsAt` (unix seconds): a reserve ends or
    /// a cooling account returns.
    case reservesKept(accounts: Int, resetsAt: Int, retryAfterSeconds: Int)
    /// 429 `rotor_pool_busy`: the soonest of `accounts` returns in `retryAfterSeconds` from a short `reason`.
    case poolBusy(accounts: Int, reason: CooldownReason, retryAfterSeconds: Int)
    /// 429 `rotor_pool_busy`: the request's attempts were spent on accounts that failed it; retry in a second.
    case attemptsSpent
    /// 503: rotor has no account.
    case noAccounts
    /// 503: every account needs the user; each comes with its fix.
    case noUsableAccount([AccountFix])

    // The upstream failed.

    /// 502: no account's attempt reached an answer (connection, overload without a body to relay, token refresh).
    case upstreamUnreachable
    /// 502: the stream of a client that asked for one JSON answer ended before its final event.
    case upstreamStreamIncomplete
    /// 502: the upstream reported a failed response without saying why.
    case upstreamFailedWithoutDetails
    /// 504: no account's attempt got an answer within the upstream timeouts.
    case upstreamTimeout
    /// 504: the stream of a client that asked for one JSON answer paused longer than `ROTOR_IDLE_TIMEOUT`.
    case upstreamStalled

    /// 500: rotor itself failed (its store could not be read or written).
    case internalFailure

    /// What the user must do for an account only they can bring back.
    public enum AccountFix: Hashable, Sendable {
        /// The login no longer works: log in again with `rotor accounts add`.
        case login(label: String, reason: String)
        /// The account is disabled: `rotor accounts enable <label>`.
        case enable(label: String, reason: String)
    }

    /// The HTTP status.
    public var status: Int {
        switch self {
        case .unauthorized: 401
        case .forbiddenHost, .forbiddenOrigin: 403
        case .connectNotAllowed: 405
        case .malformedRequest, .severalHosts, .absoluteForm, .invalidRequest: 400
        case .bodyTooLarge: 413
        case .requestTimeout: 408
        case .compressedBody: 415
        case .websocketUnsupported: 426
        case .notFound: 404
        case .usageLimitReached, .reservesKept, .poolBusy, .attemptsSpent: 429
        case .noAccounts, .noUsableAccount: 503
        case .upstreamUnreachable, .upstreamStreamIncomplete, .upstreamFailedWithoutDetails: 502
        case .upstreamTimeout, .upstreamStalled: 504
        case .internalFailure: 500
        }
    }

    /// The OpenAI-style error type.
    public var type: String {
        switch self {
        case .unauthorized: "authentication_error"
        case .forbiddenHost, .forbiddenOrigin: "permission_error"
        case .malformedRequest, .severalHosts, .connectNotAllowed, .absoluteForm, .bodyTooLarge, .requestTimeout,
            .compressedBody, .websocketUnsupported, .notFound, .invalidRequest:
            "invalid_request_error"
        case .usageLimitReached, .reservesKept: "usage_limit_reached"
        case .poolBusy, .attemptsSpent: "rate_limit_exceeded"
        case .noAccounts, .noUsableAccount, .upstreamUnreachable, .upstreamStreamIncomplete,
            .upstreamFailedWithoutDetails, .upstreamTimeout, .upstreamStalled, .internalFailure:
            "server_error"
        }
    }

    /// The stable code for clients, logs and tests; `nil` for the usage limit, which Codex knows by its type.
    public var code: String? {
        switch self {
        case .unauthorized: "invalid_proxy_secret"
        case .malformedRequest: "malformed_request"
        case .severalHosts: "several_hosts"
        case .forbiddenHost: "forbidden_host"
        case .forbiddenOrigin: "forbidden_origin"
        case .connectNotAllowed: "method_not_allowed"
        case .absoluteForm: "absolute_form_target"
        case .bodyTooLarge: "request_too_large"
        case .requestTimeout: "request_timeout"
        case .compressedBody: "unsupported_content_encoding"
        case .websocketUnsupported: "websocket_unsupported"
        case .notFound: "not_found"
        case .invalidRequest(let error): error.errorCode
        case .usageLimitReached, .reservesKept: nil
        case .poolBusy, .attemptsSpent: "rotor_pool_busy"
        case .noAccounts: "rotor_no_accounts"
        case .noUsableAccount: "rotor_no_usable_account"
        case .upstreamUnreachable, .upstreamStreamIncomplete, .upstreamFailedWithoutDetails: "rotor_upstream_unavailable"
        case .upstreamTimeout, .upstreamStalled: "rotor_upstream_timeout"
        case .internalFailure: "rotor_internal"
        }
    }

    /// One sentence saying what is wrong and what to do.
    public var message: String {
        switch self {
        case .unauthorized:
            "Missing or wrong rotor proxy secret: send 'Authorization: Bearer <secret>' with the secret from the "
                + "proxy's secret file."
        case .malformedRequest:
            "The request is not valid HTTP/1.1 (its request line, a header or its framing); rotor closes the "
                + "connection."
        case .severalHosts:
            "The request has more than one Host header; send exactly one, 127.0.0.1:<port> of this proxy."
        case .forbiddenHost:
            "The Host header must be 127.0.0.1:<port>, localhost:<port> or [::1]:<port> of this proxy."
        case .forbiddenOrigin:
            "Requests carrying an Origin header are refused: rotor serves local command-line clients, not web pages."
        case .connectNotAllowed:
            "CONNECT is not supported: rotor is not a general HTTP proxy; send POST /v1/responses to it directly."
        case .absoluteForm:
            "Absolute request targets are not supported: rotor is not a general HTTP proxy; use its base URL directly."
        case .bodyTooLarge(let limit):
            "The request body exceeds rotor's limit of \(limit) bytes; raise ROTOR_MAX_BODY_BYTES if this is expected."
        case .requestTimeout(let limit):
            "The request body paused for more than \(limit), so rotor gave up on it; send the body without pausing, "
                + "or raise ROTOR_BODY_TIMEOUT."
        case .compressedBody(let encoding):
            "Request bodies with Content-Encoding '\(encoding)' are not supported; send them uncompressed "
                + "(for Codex's built-in provider: --disable enable_request_compression)."
        case .websocketUnsupported:
            "rotor does not serve websockets; send POST requests with server-sent events instead."
        case .notFound:
            "rotor serves only POST /v1/responses, /responses and /backend-api/codex/responses."
        case .invalidRequest(let error):
            error.message
        case .usageLimitReached(let accounts, let resetsAt, _):
            Self.usageLimitMessage(accounts: accounts, resetsAt: resetsAt)
        case .reservesKept(let accounts, let resetsAt, _):
            "\(accounts == 1 ? "The usable account is" : "All \(accounts) usable accounts are") at the reserve "
                + "the routing policy keeps (when-all-reserved = \"wait\"); an account can serve again at "
                + "\(UTCCalendar.iso8601(Date(timeIntervalSince1970: TimeInterval(resetsAt)))). Lower the reserve or "
                + "set when-all-reserved = \"use-reserve\" in the rotor config file to spend it."
        case .poolBusy(let accounts, let reason, let seconds):
            "\(accounts == 1 ? "The account is" : "All \(accounts) accounts are") briefly unavailable "
                + "(\(reason.rawValue)); try again in \(seconds)s."
        case .attemptsSpent:
            "rotor tried the usable accounts for this request without success; try again in 1s."
        case .noAccounts:
            "rotor has no accounts; add one with `rotor accounts import` or `rotor accounts add`."
        case .noUsableAccount(let fixes):
            "No account can serve this request: " + fixes.map(Self.sentence).joined(separator: "; ") + "."
        case .upstreamUnreachable:
            "rotor could not reach the upstream on any account; try again, or check ROTOR_UPSTREAM_URL."
        case .upstreamStreamIncomplete:
            "The upstream stream ended before the response was complete; try again."
        case .upstreamFailedWithoutDetails:
            "The upstream reported a failed response without details; try again."
        case .upstreamTimeout:
            "The upstream did not answer in time on any account; try again (timeouts: ROTOR_HEADER_TIMEOUT, "
                + "ROTOR_IDLE_TIMEOUT)."
        case .upstreamStalled:
            "The upstream stream paused longer than ROTOR_IDLE_TIMEOUT; try again."
        case .internalFailure:
            "rotor failed while handling the request; try again, and see the rotor log for the cause."
        }
    }

    /// The earliest reset as unix seconds in the body's `resets_at`, for the usage limit.
    public var resetsAt: Int? {
        if case .usageLimitReached(_, let resetsAt, _) = self { return resetsAt }
        if case .reservesKept(_, let resetsAt, _) = self { return resetsAt }
        return nil
    }

    /// Whole seconds for the `Retry-After` header, when one is sent (always ≥ 1).
    public var retryAfterSeconds: Int? {
        switch self {
        case .usageLimitReached(_, _, let seconds), .reservesKept(_, _, let seconds), .poolBusy(_, _, let seconds):
            seconds
        case .attemptsSpent: 1
        case .unauthorized, .malformedRequest, .severalHosts, .forbiddenHost, .forbiddenOrigin, .connectNotAllowed,
            .absoluteForm, .bodyTooLarge, .requestTimeout, .compressedBody, .websocketUnsupported, .notFound,
            .invalidRequest, .noAccounts, .noUsableAccount, .upstreamUnreachable, .upstreamStreamIncomplete,
            .upstreamFailedWithoutDetails, .upstreamTimeout, .upstreamStalled, .internalFailure:
            nil
        }
    }

    /// The JSON body exactly as it goes on the wire, `{"error":{"code":…,"message":…,"resets_at":…,"type":…}}`,
    /// keys sorted, absent members left out.
    public var body: [UInt8] {
        let envelope = Envelope(error: .init(type: type, code: code, message: message, resetsAt: resetsAt))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // JSONEncoder fails only on non-finite numbers and on custom encodings that throw; this envelope of strings
        // and integers has neither.
        return [UInt8](try! encoder.encode(envelope))
    }

    private static func usageLimitMessage(accounts: Int, resetsAt: Int) -> String {
        let when = UTCCalendar.iso8601(Date(timeIntervalSince1970: TimeInterval(resetsAt)))
        return accounts == 1
            ? "The account has reached its usage limit; it resets at \(when)."
            : "All \(accounts) accounts have reached their usage limit; the next one resets at \(when)."
    }

    private static func sentence(for fix: AccountFix) -> String {
        switch fix {
        case .login(let label, let reason):
            "\(label) needs a new login (\(reason)): run `rotor accounts add`"
        case .enable(let label, let reason):
            "\(label) is disabled (\(reason)): run `rotor accounts enable \(shellQuoted(label))`"
        }
    }

    /// The label as one shell word: unchanged when it is plain, else in single quotes.
    private static func shellQuoted(_ label: String) -> String {
        let plain = !label.isEmpty && label.unicodeScalars.allSatisfy {
            ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || "@._+-:".unicodeScalars.contains($0)
        }
        return plain ? label : "'" + label.replacing("'", with: "'\\''") + "'"
    }

    private struct Envelope: Encodable {
        struct ErrorObject: Encodable {
            var type: String
            var code: String?
            var message: String
            var resetsAt: Int?

            enum CodingKeys: String, CodingKey {
                case type, code, message
                case resetsAt = "resets_at"
            }
        }

        var error: ErrorObject
    }
}
