import Foundation
import RotorCore
import Testing

struct UsageEndpointReportTests {
    private func report(_ json: String) throws -> UsageEndpointReport {
        try UsageEndpointReport(json: Array(json.utf8), observedAt: testNow)
    }

    /// Both windows as the endpoint sends them: the length from `limit_window_seconds`, the reset from `reset_at`
    /// (which wins over `reset_after_seconds`), the plan from `plan_type`, the source `refresh`.
    @Test func readsBothWindows() throws {
        let resetAt = testNow.addingTimeInterval(7_200)
        let report = try report("""
            {"plan_type":"plus","rate_limit":{"allowed":true,"limit_reached":false,
             "primary_window":{"used_percent":12,"limit_window_seconds":18000,"reset_after_seconds":3600,
                               "reset_at":\(Int(resetAt.timeIntervalSince1970))},
             "secondary_window":{"used_percent":40.5,"limit_window_seconds":604800,"reset_after_seconds":86400,
                                 "reset_at":null}},
             "credits":{"has_credits":false,"unlimited":false,"balance":"0"}}
            """)
        #expect(report.plan == "plus")
        #expect(report.usage == UsageSnapshot(
            primary: UsageWindow(usedPercent: 12, windowMinutes: 300, resetsAt: resetAt),
            secondary: UsageWindow(usedPercent: 40.5, windowMinutes: 10_080,
                                   resetsAt: testNow.addingTimeInterval(86_400)),
            observedAt: testNow, source: .refresh))
    }

    /// A window that is missing, `null` or has no used percentage is absent; the other keeps its position.
    @Test(arguments: [
        #"{"plan_type":"pro","rate_limit":{"primary_window":null,"secondary_window":{"used_percent":3,"limit_window_seconds":604800}}}"#,
        #"{"plan_type":"pro","rate_limit":{"secondary_window":{"used_percent":3,"limit_window_seconds":604800}}}"#,
        #"{"plan_type":"pro","rate_limit":{"primary_window":{"limit_window_seconds":18000},"secondary_window":{"used_percent":3,"limit_window_seconds":604800}}}"#,
    ])
    func missingWindowIsAbsent(json: String) throws {
        let report = try report(json)
        #expect(report.usage.primary == nil)
        #expect(report.usage.secondary == UsageWindow(usedPercent: 3, windowMinutes: 10_080))
        #expect(report.usage.window(named: .weekly)?.usedPercent == 3)
    }

    /// Without `reset_at` the reset is `reset_after_seconds` after the moment of reading.
    @Test func resetAfterSecondsOnly() throws {
        let report = try report(
            #"{"rate_limit":{"primary_window":{"used_percent":100,"limit_window_seconds":18000,"reset_after_seconds":900}}}"#)
        #expect(report.plan == nil)
        #expect(report.usage.primary == UsageWindow(usedPercent: 100, windowMinutes: 300,
                                                    resetsAt: testNow.addingTimeInterval(900)))
        #expect(report.usage.exhaustedUntil(at: testNow) == testNow.addingTimeInterval(900))
    }

    /// A plan with rate limits but no window reports an empty snapshot: nothing is used.
    @Test func noWindows() throws {
        let report = try report(#"{"plan_type":"team","rate_limit":{"primary_window":null,"secondary_window":null}}"#)
        #expect(report.usage == UsageSnapshot(observedAt: testNow, source: .refresh))
        #expect(report.usage.headroom(at: testNow) == 100)
    }

    /// A body that is not a JSON object, or an object that says nothing about usage, is an error.
    @Test(arguments: [
        ("", UsageEndpointReport.ParseError.notAnObject),
        ("<html>Forbidden</html>", .notAnObject),
        ("[1,2]", .notAnObject),
        (#""plus""#, .notAnObject),
        ("{}", .noUsage),
        (#"{"rate_limit":"none","detail":"nope"}"#, .noUsage),
    ])
    func garbageIsAnError(body: String, expected: UsageEndpointReport.ParseError) {
        #expect(throws: expected) { try report(body) }
    }
}
