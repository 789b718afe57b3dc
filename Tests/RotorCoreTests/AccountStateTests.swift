import Foundation
import RotorCore
import Testing

struct AccountStateTests {
    /// A used-up window without a reported reset keeps its account cooling (usage-limit) for its length after it
    /// was seen, at most an hour: a weekly window does not bench the account for a week on a guess.
    @Test func usedUpWindowWithoutResetCoolsAtMostAnHour() {
        let weekly = testAccount(1, usage: UsageSnapshot(
            secondary: UsageWindow(usedPercent: 100, windowMinutes: 10_080), observedAt: testNow))
        #expect(weekly.state(at: testNow) == .cooling(until: testNow.addingTimeInterval(3_600), reason: .usageLimit))
        #expect(weekly.state(at: testNow.addingTimeInterval(3_600)) == .ready)
    }
}
