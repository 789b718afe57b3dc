import Foundation
import RotorCore
import Testing

@Suite struct UsageWindowNameTests {
    @Test(arguments: [
        (300, "5h"), (10_080, "weekly"), (60, "1h"), (1_440, "1d"), (2_880, "2d"), (90, "90m"), (43_200, "30d"),
        (0, "0m"),
    ])
    func aWindowIsNamedByItsLength(minutes: Int, name: String) {
        #expect(UsageWindowName(minutes: minutes).description == name)
    }

    @Test(arguments: [
        ("5h", 300), ("weekly", 10_080), ("2d", 2_880), ("90m", 90), ("1h", 60), ("7d", 10_080), ("60m", 60),
        ("05h", 300), ("9223372036854775807m", Int.max),
    ])
    func aWindowIsReadFromItsName(text: String, minutes: Int) {
        #expect(UsageWindowName(text)?.minutes == minutes)
    }

    @Test(arguments: [
        "", "h", "0h", "0m", "-5h", "+5h", "5", "5x", "5H", "Weekly", "week", "5 h", " 5h", "5h ", "1.5h", "5hm",
        "9223372036854775807h", "99999999999999999999m", "١h",
    ])
    func anythingElseIsNotAWindow(text: String) {
        #expect(UsageWindowName(text) == nil)
    }

    @Test(arguments: ["5h", "weekly", "2d", "90m", "3h"])
    func aNameReadsBackAsItself(text: String) {
        #expect(UsageWindowName(text)?.description == text)
    }

    @Test func aSnapshotFindsAWindowWhicheverPositionItArrivedIn() {
        let weeklyFirst = UsageSnapshot(
            primary: UsageWindow(usedPercent: 40, windowMinutes: 10_080),
            secondary: UsageWindow(usedPercent: 7, windowMinutes: 300),
            observedAt: Date(timeIntervalSince1970: 0))
        #expect(weeklyFirst.window(named: .weekly)?.usedPercent == 40)
        #expect(weeklyFirst.window(named: .fiveHours)?.usedPercent == 7)
        #expect(weeklyFirst.window(named: UsageWindowName(minutes: 60)) == nil)
        #expect(UsageWindow(usedPercent: 1).name == nil)
    }

    @Test(arguments: [(42.0, "42%"), (42.5, "42.5%"), (42.04, "42%"), (99.96, "100%"), (0.05, "0.1%"), (7.25, "7.3%")])
    func aPercentagePrintsWithAtMostOneDecimal(value: Double, text: String) {
        #expect(PercentText(value).description == text)
    }
}
