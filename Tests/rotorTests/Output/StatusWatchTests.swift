import Foundation
import RotorTestSupport
import Synchronization
import Testing

@testable import rotor

/// `rotor status --watch`: frames on an injected clock, and how each is written.
struct StatusWatchTests {
    /// What the watch wrote, in order.
    final class Written: Sendable {
        private let texts = Mutex<[String]>([])
        func append(_ text: String) { texts.withLock { $0.append(text) } }
        var all: [String] { texts.withLock { $0 } }
    }

    /// A frame at once, the next one an interval later on the injected clock (never slept for real, the numbers
    /// read again: the usage is a minute older), then the ending once the watch is cancelled (Ctrl-C).
    @Test(arguments: [StatusWatch.Framing.redraw, .append, .jsonLines])
    func drawsAFramePerInterval(framing: StatusWatch.Framing) async throws {
        let clock = TestClock(startDate: StatusReportTests.now)
        let written = Written()
        let watch = StatusWatch(framing: framing, interval: .seconds(60), clock: clock)
        let frame: @Sendable () -> String = {
            StatusReport(accounts: [StatusReportTests.accounts[0]], ledger: [], now: clock.date,
                         timeZone: StatusReportTests.paris).text(style: .plain)
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await watch.run(frame: frame, write: written.append) }
            let first = try await clock.waitForSleepers(count: 1)
            #expect(first == [TestClock.Instant(offset: .seconds(60))])
            #expect(written.all.count == 1)
            clock.advance(to: first[0])
            let second = try await clock.waitForSleepers(count: 1)
            #expect(second == [TestClock.Instant(offset: .seconds(120))])
            #expect(written.all.count == 2)
            group.cancelAll()
            try await group.waitForAll()
        }
        let text = { (seconds: TimeInterval) in
            StatusReport(accounts: [StatusReportTests.accounts[0]], ledger: [],
                         now: StatusReportTests.now.addingTimeInterval(seconds),
                         timeZone: StatusReportTests.paris).text(style: .plain)
        }
        #expect(text(0).contains("usage as of 3m ago") && text(60).contains("usage as of 4m ago"))
        #expect(written.all == [framing.wrap(text(0), index: 0), framing.wrap(text(60), index: 1), framing.ending])
    }

    /// On a terminal the first frame hides the cursor and clears the screen, each frame starts at the top left,
    /// clears every line to its end and the rest of the screen below it; the ending shows the cursor again.
    @Test func redrawsInPlace() {
        let redraw = StatusWatch.Framing.redraw
        #expect(redraw.wrap("a\nb\n", index: 0) == "\u{1B}[?25l\u{1B}[H\u{1B}[2Ja\u{1B}[K\nb\u{1B}[K\n\u{1B}[J")
        #expect(redraw.wrap("a\n", index: 1) == "\u{1B}[Ha\u{1B}[K\n\u{1B}[J")
        #expect(redraw.ending == "\u{1B}[?25h")
    }

    /// Through a pipe, reports follow each other separated by a blank line; JSON documents one per line.
    @Test func appendsThroughAPipe() {
        #expect(StatusWatch.Framing.append.wrap("a\n", index: 0) == "a\n")
        #expect(StatusWatch.Framing.append.wrap("a\n", index: 1) == "\na\n")
        #expect(StatusWatch.Framing.jsonLines.wrap("{}\n", index: 1) == "{}\n")
        #expect(StatusWatch.Framing.append.ending == "")
        #expect(StatusWatch.Framing.jsonLines.ending == "")
    }
}
