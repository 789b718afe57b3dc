import Foundation
import RotorCore
import Testing

/// One row of the classification table (docs/routing.md): an outcome and the verdict's classification.
struct OutcomeRow: Sendable, CustomTestStringConvertible {
    var name: String
    var outcome: AttemptOutcome
    var classification: String
    var testDescription: String { name }
}

struct AttemptVerdictTests {
    static let rows: [OutcomeRow] = [
        OutcomeRow(name: "connect refused", outcome: .connectFailed(.refused), classification: "network"),
        OutcomeRow(name: "connect reset", outcome: .connectFailed(.reset), classification: "network"),
        OutcomeRow(name: "connect timeout", outcome: .connectFailed(.timedOut), classification: "network"),
        OutcomeRow(name: "TLS failure", outcome: .connectFailed(.tls), classification: "network"),
        OutcomeRow(name: "2xx ended before its first event", outcome: .endedBeforeFirstEvent(status: 200, headers: []),
                   classification: "network"),
        OutcomeRow(name: "header timeout", outcome: .headerTimeout, classification: "timeout"),
        OutcomeRow(name: "idle before first event", outcome: .idleTimeoutBeforeFirstEvent(status: 200, headers: []),
                   classification: "timeout"),
        OutcomeRow(name: "429 usage_limit_reached", outcome: error(429, #"{"error":{"type":"usage_limit_reached"}}"#),
                   classification: "usage-limit"),
        OutcomeRow(name: "404 usage_limit_reached", outcome: error(404, #"{"error":{"code":"usage_limit_reached"}}"#),
                   classification: "usage-limit"),
        OutcomeRow(name: "429 rate_limit_exceeded",
                   outcome: error(429, #"{"error":{"code":"rate_limit_exceeded","message":"try again in 7s"}}"#),
                   classification: "rate-limit"),
        OutcomeRow(name: "429 without body", outcome: error(429, ""), classification: "rate-limit"),
        OutcomeRow(name: "429 usage_not_included", outcome: error(429, #"{"error":{"type":"usage_not_included"}}"#),
                   classification: "disabled"),
        OutcomeRow(name: "429 insufficient_quota", outcome: error(429, #"{"error":{"code":"insufficient_quota"}}"#),
                   classification: "disabled"),
        OutcomeRow(name: "response.failed usage_not_included",
                   outcome: failedEvent(#"{"type":"response.failed","response":{"error":{"code":"usage_not_included"}}}"#),
                   classification: "disabled"),
        OutcomeRow(name: "response.failed rate_limit_exceeded",
                   outcome: failedEvent(#"{"type":"response.failed","response":{"error":{"code":"rate_limit_exceeded"}}}"#),
                   classification: "rate-limit"),
        OutcomeRow(name: "response.failed usage_limit_reached",
                   outcome: failedEvent(#"{"type":"response.failed","response":{"error":{"type":"usage_limit_reached"}}}"#),
                   classification: "usage-limit"),
        OutcomeRow(name: "response.failed server_is_overloaded",
                   outcome: failedEvent(#"{"type":"response.failed","response":{"error":{"code":"server_is_overloaded"}}}"#),
                   classification: "overloaded"),
        OutcomeRow(name: "response.failed context_length_exceeded",
                   outcome: failedEvent(#"{"type":"response.failed","response":{"error":{"code":"context_length_exceeded"}}}"#),
                   classification: "pass-through"),
        OutcomeRow(name: "503 server_is_overloaded", outcome: error(503, #"{"error":{"code":"server_is_overloaded"}}"#),
                   classification: "overloaded"),
        OutcomeRow(name: "503 slow_down", outcome: error(503, #"{"error":{"code":"slow_down"}}"#),
                   classification: "overloaded"),
        OutcomeRow(name: "500", outcome: error(500, "oops"), classification: "overloaded"),
        OutcomeRow(name: "502", outcome: error(502, ""), classification: "overloaded"),
        OutcomeRow(name: "401", outcome: error(401, #"{"error":{"code":"token_expired"}}"#),
                   classification: "unauthorized"),
        OutcomeRow(name: "401 invalidated",
                   outcome: error(401, #"{"error":{"message":"Your authentication token has been invalidated."}}"#),
                   classification: "needs-login"),
        OutcomeRow(name: "402 deactivated_workspace", outcome: error(402, #"{"error":{"code":"deactivated_workspace"}}"#),
                   classification: "disabled"),
        OutcomeRow(name: "403 account_deactivated", outcome: error(403, #"{"error":{"code":"account_deactivated"}}"#),
                   classification: "disabled"),
        OutcomeRow(name: "403 deactivated message",
                   outcome: error(403, #"{"error":{"message":"This workspace has been deactivated."}}"#),
                   classification: "disabled"),
        OutcomeRow(name: "403 other", outcome: error(403, "forbidden"), classification: "pass-through"),
        OutcomeRow(name: "400", outcome: error(400, #"{"error":{"message":"bad input"}}"#),
                   classification: "pass-through"),
        OutcomeRow(name: "404 other", outcome: error(404, #"{"error":{"message":"no such model"}}"#),
                   classification: "pass-through"),
        OutcomeRow(name: "413", outcome: error(413, ""), classification: "pass-through"),
        OutcomeRow(name: "422", outcome: error(422, ""), classification: "pass-through"),
        OutcomeRow(name: "success", outcome: .success(status: 200, headers: []), classification: "success"),
        OutcomeRow(name: "broke after commit", outcome: .streamBrokeAfterCommit(.connectionLost),
                   classification: "interrupted"),
        OutcomeRow(name: "idle after commit", outcome: .streamBrokeAfterCommit(.idleTimeout),
                   classification: "interrupted"),
    ]

    static func error(_ status: Int, _ body: String) -> AttemptOutcome {
        .errorResponse(status: status, headers: [], body: bytes(body))
    }

    static func failedEvent(_ json: String) -> AttemptOutcome {
        .failedFirstEvent(status: 200, headers: [], event: bytes(json))
    }

    /// Every row of the classification table gets its classification.
    @Test(arguments: rows)
    func classifies(row: OutcomeRow) {
        #expect(AttemptVerdict(classifying: row.outcome, now: testNow).classification.rawValue == row.classification)
    }

    /// Network failures, timeouts and overload are transient; limits are the account's.
    @Test(arguments: [
        (AccountFailure.Classification.network, true), (.timeout, true), (.overloaded, true),
        (.usageLimit, false), (.rateLimit, false),
    ])
    func transience(classification: AccountFailure.Classification, transient: Bool) {
        #expect(AccountFailure(classification).isTransient == transient)
    }

    /// A 400 that names reasoning or encrypted content is flagged for the strip-and-retry rule; others are not.
    @Test(arguments: [
        (#"{"error":{"message":"Invalid encrypted_content in input[3]"}}"#, true),
        (#"{"error":{"message":"Item of type 'Reasoning' was provided without its required following item"}}"#, true),
        (#"{"error":{"message":"Missing model"}}"#, false),
    ])
    func flagsReasoningMentions(body: String, mentions: Bool) {
        let verdict = AttemptVerdict(classifying: Self.error(400, body), now: testNow)
        #expect(verdict == .passThrough(mentionsReasoning: mentions))
    }

    /// A `response.failed` usage limit after the commit is surfaced and still benches the account.
    @Test func surfacesCommittedLimitWithCooldown() {
        let event = bytes(#"{"type":"response.failed","response":{"error":{"code":"rate_limit_exceeded"}}}"#)
        let verdict = AttemptVerdict(classifying: .streamBrokeAfterCommit(.failedEvent(event)), now: testNow)
        guard case .surface(let failure?) = verdict else {
            Issue.record("expected a surfaced failure with a cooldown, got \(verdict)")
            return
        }
        #expect(failure.classification == .rateLimit)
    }

    /// A success head carrying `x-codex-*` headers reports the usage windows.
    @Test func successCarriesUsage() {
        let headers: HeaderFields = [(name: "x-codex-primary-used-percent", value: "12")]
        let verdict = AttemptVerdict(classifying: .success(status: 200, headers: headers), now: testNow)
        #expect(verdict == .success(usage: UsageSnapshot(primary: UsageWindow(usedPercent: 12), observedAt: testNow)))
    }
}
