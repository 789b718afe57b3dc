import Foundation
import RotorCore
import RotorTestSupport
import Testing

struct BackoffTests {
    static let families: [Backoff] = [.connection, .timeout, .rateLimit, .usageLimit]

    /// For any failure count (negative, huge) a drawn delay is within [0, cap], and equal jitter keeps d/2 as floor.
    @Test(arguments: families)
    func delayStaysWithinCap(backoff: Backoff) {
        var generator = SeededGenerator(seed: 0xC0FFEE)
        for _ in 0..<5_000 {
            let n = Int(truncatingIfNeeded: generator.next() % 200) - 20
            let delay = backoff.delay(consecutiveFailures: n, using: &generator)
            #expect(delay >= .zero && delay <= backoff.cap)
            if backoff.jitter == .equal {
                #expect(delay >= backoff.ceiling(consecutiveFailures: n) / 2)
            }
        }
        let extreme = backoff.delay(consecutiveFailures: .max, using: &generator)
        #expect(extreme >= .zero && extreme <= backoff.cap)
    }

    /// The ceiling doubles per failure from the base and stops at the cap.
    @Test func ceilingDoublesUpToCap() {
        #expect(Backoff.rateLimit.ceiling(consecutiveFailures: 0) == .seconds(5))
        #expect(Backoff.rateLimit.ceiling(consecutiveFailures: 3) == .seconds(40))
        #expect(Backoff.rateLimit.ceiling(consecutiveFailures: 6) == .seconds(300))
        #expect(Backoff.usageLimit.ceiling(consecutiveFailures: -4) == .seconds(300))
    }

    /// Full jitter uses the whole range: over many draws both small and large delays occur.
    @Test func fullJitterSpreads() {
        var generator = SeededGenerator(seed: 9)
        let draws = (0..<2_000).map { _ in Backoff.connection.delay(consecutiveFailures: 10, using: &generator) }
        #expect(draws.contains { $0 < .seconds(6) })
        #expect(draws.contains { $0 > .seconds(54) })
    }
}
