import Foundation
import HTTPTypes
import RotorCore

/// An answer rotor makes itself rather than relaying the upstream's: a status and the JSON body
/// `{"error":{"type":…,"code":…,"message":…}}` that every error rotor makes carries.
public struct ProxyError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The HTTP status.
    public var status: HTTPResponse.Status
    /// The OpenAI-style error type (`authentication_error`, `invalid_request_error`, …).
    public var type: String
    /// A stable code for clients, logs and tests (no variable parts).
    public var code: String
    /// One sentence saying what is wrong and what to do.
    public var message: String
    /// Extra response headers (e.g. `Retry-After`).
    public var headers: HTTPFields

    /// An error answer with the given parts.
    public init(status: HTTPResponse.Status, type: String, code: String, message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.type = type
        self.code = code
        self.message = message
        self.headers = headers
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    /// The JSON error body.
    public var body: [UInt8] {
        struct Envelope: Encodable {
            struct Detail: Encodable {
                var type: String
                var code: String
                var message: String
            }
            var error: Detail
        }
        let envelope = Envelope(error: .init(type: type, code: code, message: message))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array((try? encoder.encode(envelope)) ?? Data(#"{"error":{"type":"rotor_error","code":"encoding_failed","message":""}}"#.utf8))
    }
}

extension ProxyError {
    /// 401: no or wrong proxy secret.
    public static let unauthorized = ProxyError(
        status: .unauthorized,
        type: "authentication_error",
        code: "invalid_proxy_secret",
        message: "Missing or wrong rotor proxy secret: send 'Authorization: Bearer <secret>' with the secret from the proxy's secret file."
    )

    /// 403: a `Host` header other than the proxy's loopback address and port (DNS rebinding).
    public static let forbiddenHost = ProxyError(
        status: .forbidden,
        type: "permission_error",
        code: "forbidden_host",
        message: "The Host header must be 127.0.0.1:<port>, localhost:<port> or [::1]:<port> of this proxy."
    )

    /// 400: bytes the HTTP/1 parser refuses (the connection is closed after it).
    public static let malformedRequest = ProxyError(
        status: .badRequest,
        type: "invalid_request_error",
        code: "malformed_request",
        message: "The request is not valid HTTP/1.1 (its request line, a header or its framing); rotor closes the connection."
    )

    /// 400: more than one `Host` line (HTTP/1.1 requires this answer; only the first would be checked otherwise).
    public static let severalHosts = ProxyError(
        status: .badRequest,
        type: "invalid_request_error",
        code: "several_hosts",
        message: "The request has more than one Host header; send exactly one, 127.0.0.1:<port> of this proxy."
    )

    /// 403: a browser-originated request.
    public static let forbiddenOrigin = ProxyError(
        status: .forbidden,
        type: "permission_error",
        code: "forbidden_origin",
        message: "Requests carrying an Origin header are refused: rotor serves local command-line clients, not web pages."
    )

    /// 405: `CONNECT`; rotor is not a general proxy.
    public static let connectNotAllowed = ProxyError(
        status: .methodNotAllowed,
        type: "invalid_request_error",
        code: "method_not_allowed",
        message: "CONNECT is not supported: rotor is not a general HTTP proxy; send POST /v1/responses to it directly."
    )

    /// 400: an absolute-form request target.
    public static let absoluteForm = ProxyError(
        status: .badRequest,
        type: "invalid_request_error",
        code: "absolute_form_target",
        message: "Absolute request targets are not supported: rotor is not a general HTTP proxy; use its base URL directly."
    )

    /// 413: a body above the cap.
    public static func bodyTooLarge(limit: Int) -> ProxyError {
        ProxyError(
            status: .contentTooLarge,
            type: "invalid_request_error",
            code: "request_too_large",
            message: "The request body exceeds rotor's limit of \(limit) bytes; raise ROTOR_MAX_BODY_BYTES if this is expected."
        )
    }

    /// 408: the request body paused longer than `limit` (`ROTOR_BODY_TIMEOUT`).
    public static func requestTimeout(after limit: Duration) -> ProxyError {
        ProxyError(
            status: .requestTimeout,
            type: "invalid_request_error",
            code: "request_timeout",
            message: "The request body paused for more than \(limit), so rotor gave up on it; send the body "
                + "without pausing, or raise ROTOR_BODY_TIMEOUT."
        )
    }

    /// 415: a compressed request body.
    public static func compressedBody(encoding: String) -> ProxyError {
        ProxyError(
            status: .unsupportedMediaType,
            type: "invalid_request_error",
            code: "unsupported_content_encoding",
            message: "Request bodies with Content-Encoding '\(encoding)' are not supported; send them uncompressed "
                + "(for Codex's built-in provider: --disable enable_request_compression)."
        )
    }

    /// 426: a websocket upgrade; Codex falls back to HTTP.
    public static let websocketUnsupported = ProxyError(
        status: .upgradeRequired,
        type: "invalid_request_error",
        code: "websocket_unsupported",
        message: "rotor does not serve websockets; send POST requests with server-sent events instead."
    )

    /// 404: anything but a create-response request.
    public static let notFound = ProxyError(
        status: .notFound,
        type: "invalid_request_error",
        code: "not_found",
        message: "rotor serves only POST /v1/responses, /responses and /backend-api/codex/responses."
    )

    /// 400: a body that breaks the request invariants.
    public static func invalidRequest(_ error: RequestInvariantError) -> ProxyError {
        ProxyError(status: .badRequest, type: "invalid_request_error", code: error.errorCode, message: error.message)
    }

    /// 502: the upstream could not be reached or broke before answering.
    public static func upstreamUnreachable(_ reason: String) -> ProxyError {
        ProxyError(
            status: .badGateway,
            type: "upstream_error",
            code: "upstream_unreachable",
            message: "rotor could not get an answer from the upstream (\(reason)); try again, or check ROTOR_UPSTREAM_URL."
        )
    }

    /// 504: the upstream did not answer in time.
    public static func upstreamTimeout(_ what: String) -> ProxyError {
        ProxyError(
            status: .gatewayTimeout,
            type: "upstream_error",
            code: "upstream_timeout",
            message: "The upstream sent no \(what) in time; try again (timeouts: ROTOR_HEADER_TIMEOUT, ROTOR_IDLE_TIMEOUT)."
        )
    }

    /// 502: the upstream stream ended before its final event.
    public static let upstreamIncomplete = ProxyError(
        status: .badGateway,
        type: "upstream_error",
        code: "rotor_stream_interrupted",
        message: "The upstream stream ended before the response was complete; try again."
    )

    /// 500: a bug in rotor; never a bare 500.
    public static let internalFailure = ProxyError(
        status: .internalServerError,
        type: "rotor_error",
        code: "internal_error",
        message: "rotor failed while handling the request; see the rotor log for details."
    )
}
