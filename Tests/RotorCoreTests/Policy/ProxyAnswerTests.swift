import Foundation
import RotorCore
import Testing

/// One answer of the catalogue and what the client receives: status, type, code, message and `Retry-After`.
struct AnswerRow: Sendable, CustomTestStringConvertible {
    var answer: ProxyAnswer
    var status: Int
    var type: String
    var code: String?
    var message: String
    var retryAfter: Int? = nil
    var testDescription: String { "\(status) \(code ?? type)" }
}

struct ProxyAnswerTests {
    static let rows: [AnswerRow] = [
        AnswerRow(answer: .unauthorized, status: 401, type: "authentication_error", code: "invalid_proxy_secret",
                  message: "Missing or wrong rotor proxy secret: send 'Authorization: Bearer <secret>' with the "
                      + "secret from the proxy's secret file."),
        AnswerRow(answer: .malformedRequest, status: 400, type: "invalid_request_error", code: "malformed_request",
                  message: "The request is not valid HTTP/1.1 (its request line, a header or its framing); rotor "
                      + "closes the connection."),
        AnswerRow(answer: .severalHosts, status: 400, type: "invalid_request_error", code: "several_hosts",
                  message: "The request has more than one Host header; send exactly one, 127.0.0.1:<port> of this "
                      + "proxy."),
        AnswerRow(answer: .forbiddenHost, status: 403, type: "permission_error", code: "forbidden_host",
                  message: "The Host header must be 127.0.0.1:<port>, localhost:<port> or [::1]:<port> of this proxy."),
        AnswerRow(answer: .forbiddenOrigin, status: 403, type: "permission_error", code: "forbidden_origin",
                  message: "Requests carrying an Origin header are refused: rotor serves local command-line clients, "
                      + "not web pages."),
        AnswerRow(answer: .connectNotAllowed, status: 405, type: "invalid_request_error", code: "method_not_allowed",
                  message: "CONNECT is not supported: rotor is not a general HTTP proxy; send POST /v1/responses to "
                      + "it directly."),
        AnswerRow(answer: .absoluteForm, status: 400, type: "invalid_request_error", code: "absolute_form_target",
                  message: "Absolute request targets are not supported: rotor is not a general HTTP proxy; use its "
                      + "base URL directly."),
        AnswerRow(answer: .bodyTooLarge(limit: 100), status: 413, type: "invalid_request_error",
                  code: "request_too_large",
                  message: "The request body exceeds rotor's limit of 100 bytes; raise ROTOR_MAX_BODY_BYTES if this "
                      + "is expected."),
        AnswerRow(answer: .requestTimeout(after: .milliseconds(250)), status: 408, type: "invalid_request_error",
                  code: "request_timeout",
                  message: "The request body paused for more than 0.25 seconds, so rotor gave up on it; send the "
                      + "body without pausing, or raise ROTOR_BODY_TIMEOUT."),
        AnswerRow(answer: .compressedBody(encoding: "zstd"), status: 415, type: "invalid_request_error",
                  code: "unsupported_content_encoding",
                  message: "Request bodies with Content-Encoding 'zstd' are not supported; send them uncompressed "
                      + "(for Codex's built-in provider: --disable enable_request_compression)."),
        AnswerRow(answer: .websocketUnsupported, status: 426, type: "invalid_request_error",
                  code: "websocket_unsupported",
                  message: "rotor does not serve websockets; send POST requests with server-sent events instead."),
        AnswerRow(answer: .notFound, status: 404, type: "invalid_request_error", code: "not_found",
                  message: "rotor serves only POST /v1/responses, /responses and /backend-api/codex/responses."),
        AnswerRow(answer: .invalidRequest(.previousResponseID), status: 400, type: "invalid_request_error",
                  code: "previous_response_id_unsupported",
                  message: "previous_response_id is not supported: rotor sends every request with store=false, so "
                      + "no response is stored upstream; resend the full conversation in 'input' instead."),
        AnswerRow(answer: .usageLimitReached(accounts: 1, resetsAt: 1_767_229_200, retryAfterSeconds: 3_600),
                  status: 429, type: "usage_limit_reached", code: nil,
                  message: "The account has reached its usage limit; it resets at 2026-01-01T01:00:00Z.",
                  retryAfter: 3_600),
        AnswerRow(answer: .usageLimitReached(accounts: 3, resetsAt: 1_767_229_200, retryAfterSeconds: 60),
                  status: 429, type: "usage_limit_reached", code: nil,
                  message: "All 3 accounts have reached their usage limit; the next one resets at "
                      + "2026-01-01T01:00:00Z.",
                  retryAfter: 60),
        AnswerRow(answer: .reservesKept(accounts: 1, resetsAt: 1_767_229_200, retryAfterSeconds: 3_600),
                  status: 429, type: "usage_limit_reached", code: nil,
                  message: "The usable account is at the reserve the routing policy keeps (when-all-reserved = "
                      + "\"wait\"); an account can serve again at 2026-01-01T01:00:00Z. Lower the reserve or set "
                      + "when-all-reserved = \"use-reserve\" in the rotor config file to spend it.",
                  retryAfter: 3_600),
        AnswerRow(answer: .poolBusy(accounts: 1, reason: .network, retryAfterSeconds: 5), status: 429,
                  type: "rate_limit_exceeded", code: "rotor_pool_busy",
                  message: "The account is briefly unavailable (network); try again in 5s.", retryAfter: 5),
        AnswerRow(answer: .poolBusy(accounts: 2, reason: .overloaded, retryAfterSeconds: 9), status: 429,
                  type: "rate_limit_exceeded", code: "rotor_pool_busy",
                  message: "All 2 accounts are briefly unavailable (overloaded); try again in 9s.", retryAfter: 9),
        AnswerRow(answer: .attemptsSpent, status: 429, type: "rate_limit_exceeded", code: "rotor_pool_busy",
                  message: "rotor tried the usable accounts for this request without success; try again in 1s.",
                  retryAfter: 1),
        AnswerRow(answer: .noAccounts, status: 503, type: "server_error", code: "rotor_no_accounts",
                  message: "rotor has no accounts; add one with `rotor accounts import` or `rotor accounts add`."),
        AnswerRow(answer: .noUsableAccount([.login(label: "a@x.io", reason: "refresh_token_reused"),
                                            .enable(label: "it's mine", reason: "disabled by the user")]),
                  status: 503, type: "server_error", code: "rotor_no_usable_account",
                  message: "No account can serve this request: a@x.io needs a new login (refresh_token_reused): run "
                      + "`rotor accounts add`; it's mine is disabled (disabled by the user): run "
                      + "`rotor accounts enable 'it'\\''s mine'`."),
        AnswerRow(answer: .upstreamUnreachable, status: 502, type: "server_error", code: "rotor_upstream_unavailable",
                  message: "rotor could not reach the upstream on any account; try again, or check "
                      + "ROTOR_UPSTREAM_URL."),
        AnswerRow(answer: .upstreamStreamIncomplete, status: 502, type: "server_error",
                  code: "rotor_upstream_unavailable",
                  message: "The upstream stream ended before the response was complete; try again."),
        AnswerRow(answer: .upstreamFailedWithoutDetails, status: 502, type: "server_error",
                  code: "rotor_upstream_unavailable",
                  message: "The upstream reported a failed response without details; try again."),
        AnswerRow(answer: .upstreamTimeout, status: 504, type: "server_error", code: "rotor_upstream_timeout",
                  message: "The upstream did not answer in time on any account; try again (timeouts: "
                      + "ROTOR_HEADER_TIMEOUT, ROTOR_IDLE_TIMEOUT)."),
        AnswerRow(answer: .upstreamStalled, status: 504, type: "server_error", code: "rotor_upstream_timeout",
                  message: "The upstream stream paused longer than ROTOR_IDLE_TIMEOUT; try again."),
        AnswerRow(answer: .internalFailure, status: 500, type: "server_error", code: "rotor_internal",
                  message: "rotor failed while handling the request; try again, and see the rotor log for the cause."),
    ]

    /// Each answer has its status, type, code, message and `Retry-After`, and its body carries exactly those.
    @Test(arguments: rows)
    func answersAsCatalogued(row: AnswerRow) throws {
        #expect(row.answer.status == row.status)
        #expect(row.answer.type == row.type)
        #expect(row.answer.code == row.code)
        #expect(row.answer.message == row.message)
        #expect(row.answer.retryAfterSeconds == row.retryAfter)
        let body = try #require(try JSONSerialization.jsonObject(with: Data(row.answer.body)) as? [String: Any])
        let error = try #require(body["error"] as? [String: Any])
        #expect(body.count == 1)
        #expect(error["type"] as? String == row.type)
        #expect(error["code"] as? String == row.code)
        #expect(error["message"] as? String == row.message)
        #expect(error["resets_at"] as? Int == row.answer.resetsAt)
        #expect(Set(error.keys).isSubset(of: ["type", "code", "message", "resets_at"]))
    }

    /// A 500, 502 or 504 always carries the one code of its status, whatever made rotor answer it.
    @Test func oneCodePerServerStatus() {
        let codes: [Int: String] = [500: "rotor_internal", 502: "rotor_upstream_unavailable",
                                    504: "rotor_upstream_timeout"]
        for row in Self.rows {
            if let code = codes[row.answer.status] { #expect(row.answer.code == code, "\(row.answer)") }
        }
        #expect(Set(Self.rows.map(\.answer.status)).isSuperset(of: codes.keys))
    }

    /// The usage limit's body carries `resets_at` and no code, as the upstream's own usage-limit answer does.
    @Test func usageLimitBodyIsByteExact() {
        let answer = ProxyAnswer.usageLimitReached(accounts: 1, resetsAt: 1_767_229_200, retryAfterSeconds: 3_600)
        #expect(String(decoding: answer.body, as: UTF8.self)
            == #"{"error":{"message":"The account has reached its usage limit; it resets at 2026-01-01T01:00:00Z.","resets_at":1767229200,"type":"usage_limit_reached"}}"#)
    }
}
