import RotorTestSupport
import Testing

@testable import RotorAuth

#if canImport(Glibc)
import Glibc
#endif

/// Reading pasted lines from a descriptor (a pipe standing in for the terminal).
struct StandardInputLinesTests {
    /// Runs `body` with both ends of a new pipe; closes whatever is still open afterwards.
    func withPipe<T>(_ body: (_ readEnd: Int32, _ writeEnd: inout Int32) async throws -> T) async throws -> T {
        var ends: [Int32] = [0, 0]
        try #require(pipe(&ends) == 0)
        var writeEnd = ends[1]
        defer {
            close(ends[0])
            if writeEnd >= 0 { close(writeEnd) }
        }
        return try await body(ends[0], &writeEnd)
    }

    /// Lines come one at a time without their line breaks (LF or CRLF); the rest before the end counts as a line.
    @Test func readsLinesUntilTheEnd() async throws {
        try await withPipe { readEnd, writeEnd in
            let text = Array("first line\r\nsecond\nlast".utf8)
            #expect(write(writeEnd, text, text.count) == text.count)
            close(writeEnd)
            writeEnd = -1
            let lines = StandardInputLines(descriptor: readEnd)
            var read: [String?] = []
            for _ in 0..<4 { read.append(try await lines.readLine()) }
            #expect(read == ["first line", "second", "last", nil])
        }
    }

    /// A read that waits for input ends promptly when its task is cancelled.
    @Test func cancelledReadReturns() async throws {
        try await withPipe { readEnd, _ in
            let lines = StandardInputLines(descriptor: readEnd)
            let (started, startedContinuation) = AsyncStream.makeStream(of: Void.self)
            let outcome = try await withTimeout(.seconds(10), waitingFor: "the cancelled read") {
                await withTaskGroup(of: String.self) { group in
                    group.addTask {
                        startedContinuation.yield()
                        do {
                            return try await lines.readLine() ?? "end of input"
                        } catch {
                            return "\(type(of: error))"
                        }
                    }
                    for await _ in started { break }
                    group.cancelAll()
                    return await group.next() ?? ""
                }
            }
            #expect(outcome == "CancellationError")
        }
    }
}
