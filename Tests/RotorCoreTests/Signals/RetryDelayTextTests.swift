import Testing

@testable import RotorCore

struct RetryDelayTextTests {
    /// "try again in …" hints in the spellings the upstream uses.
    @Test(arguments: [
        ("Rate limit reached for gpt. Please try again in 7s.", 7.0 as Double?),
        ("Please try again in 1m30s.", 90),
        ("Please try again in 1.5s", 1.5),
        ("Please try again in 20ms.", 0.02),
        ("Try Again In 2h", 7_200),
        ("try again in 12 seconds", 12),
        ("try again in 3 minutes and then some", 180),
        ("try again later", nil),
        ("try again in a while", nil),
        ("no hint here", nil),
        ("try again in 5parsecs", nil),
        ("try again in 1.2.3s", nil),
        ("", nil),
    ])
    func readsHints(message: String, seconds: Double?) {
        let parsed = RetryDelayText.seconds(in: message)
        if let seconds {
            #expect(abs((parsed ?? -1) - seconds) < 1e-9)
        } else {
            #expect(parsed == nil)
        }
    }
}
