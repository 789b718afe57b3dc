import Foundation
import RotorCore
import Testing

struct UsageSourceTests {
    /// The stored and printed names never change.
    @Test func namesAreStable() {
        #expect(UsageSource.allCases.map(\.rawValue) == ["headers", "error-answer", "stream-event", "refresh"])
    }

    /// Each parser says where its snapshot came from.
    @Test func parsersNameTheirSource() throws {
        let headers: HeaderFields = [(name: "x-codex-primary-used-percent", value: "10")]
        #expect(UsageSnapshot(headers: headers, observedAt: testNow)?.source == .responseHeaders)
        let signal = RateLimitSignal(headers: headers, body: [], now: testNow)
        #expect(signal.usage?.source == .errorAnswer)
        let event = UsageSnapshot(rateLimitsEvent: Array(#"{"primary":{"used_percent":10}}"#.utf8), observedAt: testNow)
        #expect(event?.source == .streamEvent)
    }
}
