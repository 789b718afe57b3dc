import Foundation
import RotorCore
import RotorTestSupport
import Testing

/// One cooldown precedence rule (docs/routing.md): headers and body of a usage-limit 429 and the expected deadline.
struct PrecedenceRow: Sendable, CustomTestStringConvertible {
    var name: String
    var headers: HeaderFields
    var body: String
    var seconds: Double
    var source: CooldownPolicy.Source
    var testDescription: String { name }
}

struct CooldownPolicyTests {
    static let rows: [PrecedenceRow] = [
        PrecedenceRow(
            name: "body resets_at beats everything",
            headers: [
                (name: "x-codex-primary-used-percent", value: "100"),
                (name: "x-codex-primary-reset-at", value: "1767232800"),
                (name: "retry-after", value: "5"),
            ],
            body: #"{"error":{"type":"usage_limit_reached","resets_at":1767229200,"message":"try again in 9s"}}"#,
            seconds: 3_600, source: .bodyReset),
        PrecedenceRow(
            name: "body resets_in_seconds", headers: [(name: "retry-after", value: "5")],
            body: #"{"error":{"type":"usage_limit_reached","resets_in_seconds":120}}"#,
            seconds: 120, source: .bodyReset),
        PrecedenceRow(
            name: "used-up window reset beats Retry-After",
            headers: [
                (name: "x-codex-primary-used-percent", value: "100"),
                (name: "x-codex-primary-reset-at", value: "1767232800"),
                (name: "retry-after", value: "5"),
            ],
            body: #"{"error":{"type":"usage_limit_reached"}}"#, seconds: 7_200, source: .usageWindowReset),
        PrecedenceRow(
            name: "latest of two used-up windows",
            headers: [
                (name: "x-codex-primary-used-percent", value: "100"),
                (name: "x-codex-primary-reset-at", value: "1767229200"),
                (name: "x-codex-secondary-used-percent", value: "100.5"),
                (name: "x-codex-secondary-reset-after-seconds", value: "86400"),
            ],
            body: "", seconds: 86_400, source: .usageWindowReset),
        PrecedenceRow(
            name: "window below 100 % is not a reset",
            headers: [
                (name: "x-codex-primary-used-percent", value: "99.6"),
                (name: "x-codex-primary-reset-at", value: "1767232800"),
                (name: "retry-after", value: "5"),
            ],
            body: "", seconds: 5, source: .retryAfter),
        PrecedenceRow(
            name: "older senders: reset-after-seconds",
            headers: [
                (name: "x-codex-primary-used-percent", value: "100"),
                (name: "x-codex-primary-reset-after-seconds", value: "300"),
            ],
            body: "", seconds: 300, source: .usageWindowReset),
        PrecedenceRow(
            name: "used-up window without a reset: its length, beating Retry-After",
            headers: [
                (name: "x-codex-primary-used-percent", value: "100"),
                (name: "x-codex-primary-window-minutes", value: "30"),
                (name: "retry-after", value: "5"),
            ],
            body: #"{"error":{"type":"usage_limit_reached"}}"#, seconds: 1_800, source: .usageWindowReset),
        PrecedenceRow(
            name: "used-up window without a reset: at most an hour",
            headers: [
                (name: "x-codex-secondary-used-percent", value: "100"),
                (name: "x-codex-secondary-window-minutes", value: "10080"),
                (name: "retry-after", value: "5"),
            ],
            body: "", seconds: 3_600, source: .usageWindowReset),
        PrecedenceRow(
            name: "used-up window without a reset or a length: an hour",
            headers: [(name: "x-codex-primary-used-percent", value: "100")],
            body: #"{"error":{"code":"rate_limit_exceeded","message":"try again in 7s"}}"#,
            seconds: 3_600, source: .usageWindowReset),
        PrecedenceRow(
            name: "Retry-After delta", headers: [(name: "retry-after", value: "42")],
            body: #"{"error":{"code":"rate_limit_exceeded","message":"try again in 7s"}}"#,
            seconds: 42, source: .retryAfter),
        PrecedenceRow(
            name: "Retry-After HTTP-date", headers: [(name: "retry-after", value: "Thu, 01 Jan 2026 00:01:00 GMT")],
            body: "", seconds: 60, source: .retryAfter),
        PrecedenceRow(
            name: "retry-after-ms", headers: [(name: "retry-after-ms", value: "2500")],
            body: "", seconds: 2.5, source: .retryAfter),
        PrecedenceRow(
            name: "message hint when nothing else",
            headers: [], body: #"{"error":{"code":"rate_limit_exceeded","message":"Please try again in 1m30s."}}"#,
            seconds: 90, source: .messageHint),
        PrecedenceRow(
            name: "bogus 31-year reset clamped to 7 days",
            headers: [], body: #"{"error":{"type":"usage_limit_reached","resets_at":2745000000}}"#,
            seconds: 604_800, source: .bodyReset),
    ]

    /// Each cooldown precedence rule picks the deadline from the right source.
    @Test(arguments: rows)
    func followsPrecedence(row: PrecedenceRow) {
        var generator = SeededGenerator(seed: 1)
        let failure = AccountFailure(.usageLimit, signal: RateLimitSignal(headers: row.headers, body: bytes(row.body),
                                                                          now: testNow))
        let decision = CooldownPolicy.decide(for: failure, consecutiveFailures: 3, existing: nil, now: testNow,
                                             using: &generator)
        #expect(decision.source == row.source)
        #expect(abs(decision.cooldown.until.timeIntervalSince(testNow) - row.seconds) < 0.001)
        #expect(decision.cooldown.reason == .usageLimit)
    }

    /// Without any signal the backoff family of the failure applies, with n = consecutive failures.
    @Test(arguments: [
        (AccountFailure.Classification.network, 0, 0.0, 1.0),
        (.network, 10, 0, 60),
        (.overloaded, 2, 0, 4),
        (.timeout, 0, 0, 30),
        (.timeout, 9, 0, 600),
        (.rateLimit, 1, 0, 10),
        (.rateLimit, 12, 0, 300),
        (.usageLimit, 0, 150, 300),
        (.usageLimit, 1, 300, 600),
        (.usageLimit, 20, 1_800, 3_600),
    ])
    func fallsBackToBackoff(classification: AccountFailure.Classification, n: Int, low: Double, high: Double) {
        var generator = SeededGenerator(seed: UInt64(n) &+ 7)
        let decision = CooldownPolicy.decide(for: AccountFailure(classification), consecutiveFailures: n,
                                             existing: nil, now: testNow, using: &generator)
        let seconds = decision.cooldown.until.timeIntervalSince(testNow)
        #expect(decision.source == .backoff(consecutiveFailures: n))
        #expect(seconds >= low && seconds <= high)
    }

    /// A known later reset is never shortened by a newer, shorter signal; a later one replaces it.
    @Test func neverShortensKnownLaterReset() {
        var generator = SeededGenerator(seed: 3)
        let existing = Cooldown(until: testNow.addingTimeInterval(3_600), reason: .usageLimit)
        let short = AccountFailure(.rateLimit, signal: RateLimitSignal(retryAfter: testNow.addingTimeInterval(5)))
        let kept = CooldownPolicy.decide(for: short, consecutiveFailures: 0, existing: existing, now: testNow,
                                         using: &generator)
        #expect(kept.cooldown == existing)
        #expect(kept.source == .existingLaterCooldown)

        let long = AccountFailure(.usageLimit, signal: RateLimitSignal(retryAfter: testNow.addingTimeInterval(7_200)))
        let replaced = CooldownPolicy.decide(for: long, consecutiveFailures: 0, existing: existing, now: testNow,
                                             using: &generator)
        #expect(replaced.cooldown.until == testNow.addingTimeInterval(7_200))
    }

    /// The same seed gives the same jittered deadline.
    @Test func jitterIsReproducible() {
        var first = SeededGenerator(seed: 42)
        var second = SeededGenerator(seed: 42)
        let a = CooldownPolicy.decide(for: AccountFailure(.rateLimit), consecutiveFailures: 2, existing: nil,
                                      now: testNow, using: &first)
        let b = CooldownPolicy.decide(for: AccountFailure(.rateLimit), consecutiveFailures: 2, existing: nil,
                                      now: testNow, using: &second)
        #expect(a == b)
    }
}
