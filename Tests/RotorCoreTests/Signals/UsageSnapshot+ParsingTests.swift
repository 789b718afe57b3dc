import Foundation
import RotorCore
import Testing

struct UsageSnapshotParsingTests {
    /// The `x-codex-*` headers fill both windows; `reset-at` wins over `reset-after-seconds`.
    @Test func readsHeaders() throws {
        let headers: HeaderFields = [
            (name: "x-codex-primary-used-percent", value: "73.5"),
            (name: "x-codex-primary-window-minutes", value: "300"),
            (name: "x-codex-primary-reset-at", value: "1767229200"),
            (name: "x-codex-primary-reset-after-seconds", value: "10"),
            (name: "x-codex-secondary-used-percent", value: "100"),
            (name: "x-codex-secondary-reset-after-seconds", value: "600"),
        ]
        let snapshot = try #require(UsageSnapshot(headers: headers, observedAt: testNow))
        #expect(snapshot.primary == UsageWindow(usedPercent: 73.5, windowMinutes: 300,
                                                resetsAt: testNow.addingTimeInterval(3_600)))
        #expect(snapshot.secondary == UsageWindow(usedPercent: 100, resetsAt: testNow.addingTimeInterval(600)))
    }

    /// `x-codex-active-limit` selects another header family.
    @Test func followsActiveLimitFamily() throws {
        let headers: HeaderFields = [
            (name: "x-codex-active-limit", value: "codex-other"),
            (name: "x-codex-primary-used-percent", value: "5"),
            (name: "x-codex-other-primary-used-percent", value: "42"),
        ]
        let snapshot = try #require(UsageSnapshot(headers: headers, observedAt: testNow))
        #expect(snapshot.primary?.usedPercent == 42)
    }

    /// Headers without a readable used percentage yield no snapshot.
    @Test(arguments: [
        [(name: "x-codex-primary-used-percent", value: "lots")],
        [(name: "x-codex-primary-used-percent", value: "-3")],
        [(name: "x-codex-primary-used-percent", value: "nan")],
        [(name: "x-codex-primary-window-minutes", value: "300")],
        [],
    ] as [HeaderFields])
    func ignoresGarbageHeaders(headers: HeaderFields) {
        #expect(UsageSnapshot(headers: headers, observedAt: testNow) == nil)
    }

    /// The `codex.rate_limits` event as the backend sends it, and a flat variant, both parse.
    @Test(arguments: [
        #"{"type":"codex.rate_limits","plan_type":"pro","rate_limits":{"allowed":true,"limit_reached":false,"primary":{"used_percent":7,"window_minutes":300,"reset_after_seconds":13168,"reset_at":1767229200},"secondary":{"used_percent":100,"window_minutes":10080,"reset_after_seconds":600}},"code_review_rate_limits":null}"#,
        #"{"primary":{"used_percent":7,"window_minutes":300,"resets_at":1767229200000},"secondary":{"used_percent":100,"window_minutes":10080,"resets_in_seconds":600}}"#,
    ])
    func readsRateLimitsEvent(json: String) throws {
        let snapshot = try #require(UsageSnapshot(rateLimitsEvent: bytes(json), observedAt: testNow))
        #expect(snapshot.primary == UsageWindow(usedPercent: 7, windowMinutes: 300,
                                                resetsAt: testNow.addingTimeInterval(3_600)))
        #expect(snapshot.secondary == UsageWindow(usedPercent: 100, windowMinutes: 10_080,
                                                  resetsAt: testNow.addingTimeInterval(600)))
        #expect(snapshot.exhaustedUntil(at: testNow) == testNow.addingTimeInterval(600))
    }

    /// A window reset already past stays past (the window rolled over), a far one is clamped to 7 days.
    @Test func clampsWindowResets() throws {
        let json = #"{"primary":{"used_percent":100,"reset_at":1767225000},"secondary":{"used_percent":1,"reset_at":4102444800}}"#
        let snapshot = try #require(UsageSnapshot(rateLimitsEvent: bytes(json), observedAt: testNow))
        #expect(snapshot.primary?.resetsAt == Date(timeIntervalSince1970: 1_767_225_000))
        #expect(snapshot.exhaustedUntil(at: testNow) == nil)
        #expect(snapshot.secondary?.resetsAt == testNow.addingTimeInterval(7 * 86_400))
    }

    /// Non-JSON and window-less events yield no snapshot.
    @Test(arguments: ["", "{", #"{"type":"codex.rate_limits","rate_limits":{"allowed":true}}"#, #"{"primary":7}"#])
    func ignoresGarbageEvents(json: String) {
        #expect(UsageSnapshot(rateLimitsEvent: bytes(json), observedAt: testNow) == nil)
    }
}
