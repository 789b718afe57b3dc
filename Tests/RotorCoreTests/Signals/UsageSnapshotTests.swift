import Foundation
import RotorCore
import Testing

/// One row of the used-up window rule (docs/routing.md): a window seen at `testNow`, looked at `later` seconds after,
/// and whether it is exhausted until when (seconds after `testNow`) and how much it has left.
struct UsageWindowRow: Sendable, CustomTestStringConvertible {
    var name: String
    var window: UsageWindow
    var later: TimeInterval
    var exhaustedUntil: TimeInterval?
    var remaining: Double
    var testDescription: String { name }
}

struct UsageSnapshotTests {
    static func at(_ seconds: TimeInterval) -> Date { testNow.addingTimeInterval(seconds) }

    static let rows: [UsageWindowRow] = [
        UsageWindowRow(name: "below 100 %: never exhausted", window: UsageWindow(usedPercent: 99.5),
                       later: 0, exhaustedUntil: nil, remaining: 0.5),
        UsageWindowRow(name: "below 100 % without a reset: nothing assumed, even after its length",
                       window: UsageWindow(usedPercent: 50, windowMinutes: 30),
                       later: 86_400, exhaustedUntil: nil, remaining: 50),
        UsageWindowRow(name: "below 100 % with a reset passed: started over",
                       window: UsageWindow(usedPercent: 60, resetsAt: at(-1)),
                       later: 0, exhaustedUntil: nil, remaining: 100),
        UsageWindowRow(name: "used up: exhausted until the reported reset",
                       window: UsageWindow(usedPercent: 100, resetsAt: at(600)),
                       later: 599, exhaustedUntil: 600, remaining: 0),
        UsageWindowRow(name: "used up: back at the reported reset",
                       window: UsageWindow(usedPercent: 100, resetsAt: at(600)),
                       later: 600, exhaustedUntil: nil, remaining: 100),
        UsageWindowRow(name: "over 100 % counts as used up",
                       window: UsageWindow(usedPercent: 100.5, resetsAt: at(600)),
                       later: 0, exhaustedUntil: 600, remaining: -0.5),
        UsageWindowRow(name: "reported reset wins over the length",
                       window: UsageWindow(usedPercent: 100, windowMinutes: 30, resetsAt: at(7_200)),
                       later: 3_600, exhaustedUntil: 7_200, remaining: 0),
        UsageWindowRow(name: "used up without a reset: its length after it was seen",
                       window: UsageWindow(usedPercent: 100, windowMinutes: 30),
                       later: 1_799, exhaustedUntil: 1_800, remaining: 0),
        UsageWindowRow(name: "used up without a reset: back after its length",
                       window: UsageWindow(usedPercent: 100, windowMinutes: 30),
                       later: 1_800, exhaustedUntil: nil, remaining: 100),
        UsageWindowRow(name: "used up without a reset: a weekly window at most an hour",
                       window: UsageWindow(usedPercent: 100, windowMinutes: 10_080),
                       later: 0, exhaustedUntil: 3_600, remaining: 0),
        UsageWindowRow(name: "used up without a reset: a weekly window back after an hour",
                       window: UsageWindow(usedPercent: 100, windowMinutes: 10_080),
                       later: 3_600, exhaustedUntil: nil, remaining: 100),
        UsageWindowRow(name: "used up without a reset or a length: an hour",
                       window: UsageWindow(usedPercent: 100),
                       later: 3_599, exhaustedUntil: 3_600, remaining: 0),
    ]

    /// Each row of the rule: exhausted until when, and the percentage left (and used), for the window alone and for a snapshot
    /// holding it as either window.
    @Test(arguments: rows)
    func followsTheUsedUpWindowRule(row: UsageWindowRow) {
        let now = Self.at(row.later)
        let expected = row.exhaustedUntil.map(Self.at)
        #expect(row.window.exhaustedUntil(at: now, observedAt: testNow) == expected)
        #expect(row.window.remainingPercent(at: now, observedAt: testNow) == row.remaining)
        #expect(row.window.usedPercent(at: now, observedAt: testNow) == 100 - row.remaining)
        for snapshot in [UsageSnapshot(primary: row.window, observedAt: testNow),
                         UsageSnapshot(secondary: row.window, observedAt: testNow)] {
            #expect(snapshot.exhaustedUntil(at: now) == expected)
            #expect(snapshot.headroom(at: now) == row.remaining)
        }
    }

    /// With both windows used up the account returns when the later one does; headroom is the lesser of the two.
    @Test func combinesBothWindows() {
        let snapshot = UsageSnapshot(
            primary: UsageWindow(usedPercent: 100, resetsAt: Self.at(600)),
            secondary: UsageWindow(usedPercent: 100, windowMinutes: 10_080), observedAt: testNow)
        #expect(snapshot.exhaustedUntil(at: testNow) == Self.at(3_600))
        #expect(snapshot.exhaustedUntil(at: Self.at(600)) == Self.at(3_600))
        #expect(snapshot.exhaustedUntil(at: Self.at(3_600)) == nil)

        let mixed = UsageSnapshot(primary: UsageWindow(usedPercent: 20), secondary: UsageWindow(usedPercent: 70),
                                  observedAt: testNow)
        #expect(mixed.headroom(at: testNow) == 30)
        #expect(mixed.exhaustedUntil(at: testNow) == nil)
        #expect(UsageSnapshot(observedAt: testNow).headroom(at: testNow) == 100)
    }
}

extension UsageSnapshotTests {
    /// Two snapshots have the same windows when their numbers match, whenever and wherever they were seen; resets
    /// under a minute apart are the same reset.
    @Test func sameWindows() {
        let window = UsageWindow(usedPercent: 40, windowMinutes: 300, resetsAt: testNow.addingTimeInterval(3_600))
        let snapshot = UsageSnapshot(primary: window, observedAt: testNow)
        var later = snapshot
        later.observedAt = testNow.addingTimeInterval(30)
        later.source = .refresh
        later.primary?.resetsAt = testNow.addingTimeInterval(3_630)
        #expect(snapshot.hasSameWindows(as: later))

        var used = snapshot
        used.primary?.usedPercent = 40.5
        #expect(!snapshot.hasSameWindows(as: used))
        var moved = snapshot
        moved.primary?.resetsAt = testNow.addingTimeInterval(3_660)
        #expect(!snapshot.hasSameWindows(as: moved))
        var noReset = snapshot
        noReset.primary?.resetsAt = nil
        #expect(!snapshot.hasSameWindows(as: noReset))
        var longer = snapshot
        longer.primary?.windowMinutes = 10_080
        #expect(!snapshot.hasSameWindows(as: longer))
        var second = snapshot
        second.secondary = UsageWindow(usedPercent: 0)
        #expect(!snapshot.hasSameWindows(as: second))
    }
}
