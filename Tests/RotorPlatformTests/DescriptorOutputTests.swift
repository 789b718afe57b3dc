import Testing

@testable import RotorPlatform

#if canImport(Glibc)
import Glibc
#endif

struct DescriptorOutputTests {
    /// Every byte arrives even when signals interrupt the write while the pipe is full (`EINTR`, partial writes): a
    /// buffer of 256 KiB, a pipe whose reader starts only after 20 signals. rotor's log lines, terminal messages and
    /// its proxy secret are all written this way.
    @Test func writeAllSurvivesInterruptedWrites() throws {
        let outcome = try InterruptedWrite.run(bytes: 256 * 1024) { descriptor, bytes in
            try? DescriptorOutput.writeAll(bytes, to: descriptor)
        }
        #expect(outcome.signalsHandled > 0)
        #expect(outcome.received == outcome.sent)
    }

    /// Text is written as its UTF-8 bytes; any failure other than an interruption is thrown, not swallowed.
    @Test func writesTextAndReportsFailures() throws {
        var ends: [Int32] = [0, 0]
        try #require(pipe(&ends) == 0)
        defer { close(ends[0]) }
        try DescriptorOutput.writeAll("héllo\n", to: ends[1])
        close(ends[1])
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = buffer.withUnsafeMutableBytes { read(ends[0], $0.baseAddress, $0.count) }
        #expect(Array(buffer.prefix(max(count, 0))) == Array("héllo\n".utf8))
        let readOnly = open("/dev/null", O_RDONLY | O_CLOEXEC)
        try #require(readOnly >= 0)
        defer { close(readOnly) }
        #expect(throws: SystemError(code: EBADF)) { try DescriptorOutput.writeAll("x", to: readOnly) }
    }
}
