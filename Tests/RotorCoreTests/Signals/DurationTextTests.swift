import Foundation
import RotorCore
import Testing

/// Spans of time as `rotor status` prints them: at most two units, rounded down.
@Suite struct DurationTextTests {
    @Test(arguments: [
        (0, "0s"), (45, "45s"), (59, "59s"), (60, "1m"), (41 * 60 + 59, "41m"), (3_599, "59m"), (3_600, "1h 00m"),
        (2 * 3_600 + 5 * 60 + 30, "2h 05m"), (23 * 3_600 + 59 * 60, "23h 59m"), (86_400, "1d 0h"),
        (3 * 86_400 + 4 * 3_600 + 59 * 60, "3d 4h"), (-30, "0s"),
    ] as [(Int64, String)])
    func aSpanPrintsInItsTwoLargestUnits(seconds: Int64, text: String) {
        #expect(DurationText(.seconds(seconds)).description == text)
    }

    @Test func aSpanBetweenTwoDatesIsRoundedDown() {
        let start = Date(timeIntervalSince1970: 1_000)
        #expect(DurationText(from: start, to: start.addingTimeInterval(41 * 60 + 59.9)).description == "41m")
        #expect(DurationText(from: start, to: start.addingTimeInterval(-10)).description == "0s")
    }
}
