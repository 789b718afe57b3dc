import Foundation
import RotorCore
import Testing

struct UpstreamErrorTests {
    /// `error.type` and `error.code` both name the kind; unknown names are `.other`.
    @Test(arguments: [
        (#"{"error":{"type":"usage_limit_reached","resets_at":1767229200}}"#, UpstreamErrorKind.usageLimitReached),
        (#"{"error":{"code":"usage_limit_reached"}}"#, .usageLimitReached),
        (#"{"error":{"type":"invalid_request_error","code":"rate_limit_exceeded"}}"#, .rateLimitExceeded),
        (#"{"error":{"type":"usage_not_included"}}"#, .usageNotIncluded),
        (#"{"error":{"code":"insufficient_quota"}}"#, .insufficientQuota),
        (#"{"error":{"code":"server_is_overloaded"}}"#, .overloaded),
        (#"{"error":{"code":"slow_down"}}"#, .overloaded),
        (#"{"error":{"code":"deactivated_workspace"}}"#, .deactivated),
        (#"{"error":{"code":"account_deactivated"}}"#, .deactivated),
        (#"{"error":{"code":"token_invalidated"}}"#, .tokenInvalidated),
        (#"{"error":{"message":"Your authentication token has been invalidated."}}"#, .tokenInvalidated),
        (#"{"error":{"code":"context_length_exceeded"}}"#, .other),
        (#"{"type":"response.failed","response":{"error":{"code":"rate_limit_exceeded"}}}"#, .rateLimitExceeded),
    ])
    func readsKinds(body: String, kind: UpstreamErrorKind) throws {
        let error = try #require(UpstreamError(json: bytes(body), now: testNow))
        #expect(error.kind == kind)
    }

    /// `resets_at` in seconds or milliseconds, `resets_in_seconds`, and message hints become clamped deadlines.
    @Test(arguments: [
        (#"{"error":{"type":"usage_limit_reached","resets_at":1767229200}}"#, 3_600.0 as Double?),
        (#"{"error":{"type":"usage_limit_reached","resets_at":1767229200000}}"#, 3_600),
        (#"{"error":{"type":"usage_limit_reached","resets_at":"1767229200"}}"#, 3_600),
        (#"{"error":{"type":"usage_limit_reached","resets_in_seconds":90}}"#, 90),
        (#"{"error":{"type":"usage_limit_reached","resets_at":1767229200,"resets_in_seconds":5}}"#, 3_600),
        (#"{"error":{"type":"usage_limit_reached","resets_at":99999999999}}"#, 604_800),
        (#"{"error":{"type":"usage_limit_reached","resets_at":1e300}}"#, 604_800),
        (#"{"error":{"type":"usage_limit_reached","resets_at":-5}}"#, nil),
        (#"{"error":{"type":"usage_limit_reached","resets_at":1000}}"#, nil),
        (#"{"error":{"type":"usage_limit_reached","resets_at":"NaN"}}"#, nil),
        (#"{"error":{"type":"usage_limit_reached","resets_at":true}}"#, nil),
        (#"{"error":{"type":"usage_limit_reached","resets_in_seconds":-1}}"#, nil),
    ])
    func readsResets(body: String, seconds: Double?) throws {
        let error = try #require(UpstreamError(json: bytes(body), now: testNow))
        #expect(error.resetsAt.map { $0.timeIntervalSince(testNow) } == seconds)
    }

    /// The message's "try again in …" becomes `messageRetryAt`.
    @Test func readsMessageHint() throws {
        let body = #"{"error":{"code":"rate_limit_exceeded","message":"Please try again in 1m30s."}}"#
        let error = try #require(UpstreamError(json: bytes(body), now: testNow))
        #expect(error.messageRetryAt == testNow.addingTimeInterval(90))
    }

    /// Bodies without an error object, or that are not JSON, yield no error.
    @Test(arguments: ["", "not json", "[]", "{}", #"{"error":"flat string"}"#, #"{"error":{}}"#, "\u{0}\u{1}", "{\"error\":"])
    func ignoresNonErrors(body: String) {
        #expect(UpstreamError(json: bytes(body), now: testNow) == nil)
    }
}
