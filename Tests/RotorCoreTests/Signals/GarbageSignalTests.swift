import Foundation
import RotorCore
import RotorTestSupport
import Testing

/// Property tests: whatever an upstream sends, parsing never crashes and never yields a past or absurd deadline.
struct GarbageSignalTests {
    static let numbers = [
        "", "-1", "0", "1", "NaN", "nan", "inf", "-inf", "1e309", "-1e309", "1e300", "99999999999999999999999",
        "1767229200", "1767229200000", "17672292000000000", "0x10", "1_000", " 12 ", "12abc", "abc", "💥", "1.5",
        "Thu, 01 Jan 2026 00:01:00 GMT", "Mon, 99 Jan 9999 99:99:99 GMT", "Sun, 06 Nov 1994 08:49:37 GMT",
    ]

    static let names = [
        "retry-after", "retry-after-ms", "x-codex-primary-used-percent", "x-codex-primary-reset-at",
        "x-codex-primary-reset-after-seconds", "x-codex-primary-window-minutes", "x-codex-secondary-used-percent",
        "x-codex-secondary-reset-at", "x-codex-secondary-reset-after-seconds", "x-codex-active-limit",
    ]

    static let bodyTemplates = [
        #"{"error":{"type":"usage_limit_reached","resets_at":VALUE}}"#,
        #"{"error":{"type":"usage_limit_reached","resets_at":"VALUE"}}"#,
        #"{"error":{"code":"rate_limit_exceeded","resets_in_seconds":VALUE}}"#,
        #"{"error":{"code":"rate_limit_exceeded","message":"try again in VALUEs"}}"#,
        #"{"type":"response.failed","response":{"error":{"code":"usage_limit_reached","resets_at":VALUE}}}"#,
        #"{"primary":{"used_percent":VALUE,"reset_at":VALUE}}"#,
        "VALUE", "{VALUE", "[VALUE]", #"{"error":[VALUE]}"#,
    ]

    /// Random mixes of garbage headers and bodies never produce a deadline before `now` or after `now + 7 d`.
    @Test func garbageNeverYieldsAbsurdDeadlines() {
        var generator = SeededGenerator(seed: 2026)
        let limit = testNow.addingTimeInterval(7 * 86_400)
        for _ in 0..<3_000 {
            let headers: HeaderFields = (0..<Int(generator.next() % 5)).map { _ in
                (name: Self.names.randomElement(using: &generator)!,
                 value: Self.numbers.randomElement(using: &generator)!)
            }
            let template = Self.bodyTemplates.randomElement(using: &generator)!
            let body = bytes(template.replacing("VALUE", with: Self.numbers.randomElement(using: &generator)!))
            for outcome in [
                AttemptOutcome.errorResponse(status: 429, headers: headers, body: body),
                .failedFirstEvent(status: 200, headers: headers, event: body),
                .idleTimeoutBeforeFirstEvent(status: 200, headers: headers),
            ] {
                let verdict = AttemptVerdict(classifying: outcome, now: testNow)
                guard case .failOver(let failure) = verdict else { continue }
                let decision = CooldownPolicy.decide(
                    for: failure, consecutiveFailures: Int(generator.next() % 100), existing: nil, now: testNow,
                    using: &generator)
                #expect(decision.cooldown.until >= testNow && decision.cooldown.until <= limit)
            }
            if let snapshot = UsageSnapshot(rateLimitsEvent: body, observedAt: testNow) {
                for window in [snapshot.primary, snapshot.secondary].compactMap({ $0 }) {
                    #expect(window.usedPercent >= 0 && window.usedPercent.isFinite)
                    #expect(window.resetsAt.map { $0 <= limit } ?? true)
                }
            }
        }
    }

    /// Random bytes never crash any parser.
    @Test func randomBytesNeverCrash() {
        var generator = SeededGenerator(seed: 77)
        for _ in 0..<2_000 {
            let body = (0..<Int(generator.next() % 64)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            _ = UpstreamError(json: body, now: testNow)
            _ = UsageSnapshot(rateLimitsEvent: body, observedAt: testNow)
            _ = AttemptVerdict(classifying: .errorResponse(status: 400, headers: [], body: body), now: testNow)
        }
    }
}
