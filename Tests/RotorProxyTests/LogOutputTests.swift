import Testing

@testable import RotorProxy

struct LogOutputTests {
    /// A log line reaches its file whole even when signals interrupt the write while the pipe is full (`EINTR`,
    /// partial writes): a long line of 256 KiB, a pipe whose reader starts only after 20 signals.
    @Test func lineSurvivesInterruptedWrites() throws {
        let outcome = try InterruptedWrite.run(bytes: 256 * 1024) { descriptor, bytes in
            LogOutput(descriptor: descriptor).emit(String(decoding: bytes, as: UTF8.self))
        }
        #expect(outcome.signalsHandled > 0)
        #expect(outcome.received == outcome.sent)
    }
}
