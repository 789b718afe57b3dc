import RotorCore
@testable import RotorProxy
import Testing

struct RelayOutcomeTests {
    private let failed = ServerSentEvent(raw: [], event: "response.failed", data: Array(#"{"type":"response.failed"}"#.utf8))

    /// How a committed stream ended, as RequestRouting's `.streamBrokeAfterCommit` wants it.
    @Test func reportsTheStreamBreak() {
        #expect(RelayOutcome(status: 200, bytes: 1, terminalEvent: "response.completed").streamBreak == nil)
        #expect(RelayOutcome(status: 200, bytes: 1).streamBreak == .connectionLost)
        #expect(RelayOutcome(status: 200, bytes: 1, interruption: .idleTimeout).streamBreak == .idleTimeout)
        #expect(RelayOutcome(status: 200, bytes: 1, interruption: .transport("reset")).streamBreak == .connectionLost)
        #expect(RelayOutcome(status: 200, bytes: 1, interruption: .cancelled).streamBreak == nil, "the client left")
        #expect(
            RelayOutcome(status: 200, bytes: 1, terminalEvent: "response.failed", failedEvent: failed).streamBreak
                == .failedEvent(failed.data)
        )
    }
}
