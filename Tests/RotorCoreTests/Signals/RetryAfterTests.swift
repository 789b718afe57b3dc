import Foundation
import Testing

@testable import RotorCore

struct RetryAfterTests {
    /// Delta-seconds, milliseconds and all three HTTP-date forms become deadlines relative to `now`.
    @Test(arguments: [
        ([("retry-after", "7")], 7.0),
        ([("retry-after", " 0 ")], 0),
        ([("retry-after-ms", "1500")], 1.5),
        ([("retry-after-ms", "250"), ("retry-after", "9")], 0.25),
        ([("retry-after", "Thu, 01 Jan 2026 00:00:30 GMT")], 30),
        ([("retry-after", "Thursday, 01-Jan-26 00:01:00 GMT")], 60),
        ([("retry-after", "Thu Jan  1 00:02:00 2026")], 120),
    ] as [([(String, String)], Double)])
    func readsDelays(headers: [(String, String)], seconds: Double) throws {
        let fields = headers.map { (name: $0.0, value: $0.1) }
        let deadline = try #require(RetryAfter.deadline(headers: fields, now: testNow))
        #expect(abs(deadline.timeIntervalSince(testNow) - seconds) < 0.001)
    }

    /// Garbage, negative and past values are ignored; huge ones are clamped to 7 days.
    @Test(arguments: [
        ("retry-after", "-5", nil as Double?),
        ("retry-after", "soon", nil),
        ("retry-after", "NaN", nil),
        ("retry-after", "inf", nil),
        ("retry-after", "", nil),
        ("retry-after", "Wed, 31 Dec 2025 23:00:00 GMT", nil),
        ("retry-after", "Thu, 32 Jan 2026 00:00:00 GMT", nil),
        ("retry-after", "Thu, 01 Foo 2026 00:00:00 GMT", nil),
        ("retry-after", "Thu, 01 Jan 2026 25:00:00 GMT", nil),
        ("retry-after", "99999999999999999999", 604_800),
        ("retry-after", "Fri, 01 Jan 2100 00:00:00 GMT", 604_800),
        ("retry-after-ms", "-1", nil),
        ("retry-after-ms", "1e308", 604_800),
    ])
    func ignoresGarbage(name: String, value: String, seconds: Double?) {
        let deadline = RetryAfter.deadline(headers: [(name: name, value: value)], now: testNow)
        #expect(deadline.map { $0.timeIntervalSince(testNow) } == seconds)
    }

    /// The UTC calendar round-trips days and prints ISO 8601.
    @Test func calendarRoundTrips() {
        #expect(UTCCalendar.daysSinceEpoch(year: 1970, month: 1, day: 1) == 0)
        #expect(UTCCalendar.daysSinceEpoch(year: 2000, month: 3, day: 1) == 11_017)
        for day in stride(from: -800_000, through: 800_000, by: 997) {
            let civil = UTCCalendar.civil(daysSinceEpoch: day)
            #expect(UTCCalendar.daysSinceEpoch(year: civil.year, month: civil.month, day: civil.day) == day)
        }
        #expect(UTCCalendar.iso8601(testNow.addingTimeInterval(3_723.2)) == "2026-01-01T01:02:04Z")
    }
}
