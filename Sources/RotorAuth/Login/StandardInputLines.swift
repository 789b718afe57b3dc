import NIOPosix
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Lines typed or pasted on the process's standard input (or another readable descriptor).
///
/// Each read runs on NIO's blocking-I/O thread pool (never on a Swift concurrency thread) and polls in short slices,
/// so a cancelled read (the browser finished first, or the login timed out) returns within 100 ms. Hand-written
/// because NIO's pipe bootstrap takes ownership of descriptor 0 and refuses regular files, and Foundation's
/// `readLine()` blocks until the user types.
public final class StandardInputLines: LoginInput {
    /// Bytes read past the last returned line.
    private let pending = Mutex<[UInt8]>([])
    /// The descriptor read; never closed by this reader.
    private let descriptor: Int32

    /// A reader of `descriptor`, standard input by default.
    public init(descriptor: Int32 = STDIN_FILENO) {
        self.descriptor = descriptor
    }

    /// A line longer than this is cut: a redirect URL is a few hundred bytes.
    static let maximumLineBytes = 64 * 1024

    public func readLine() async throws -> String? {
        let stop = StopFlag()
        return try await withTaskCancellationHandler {
            try await NIOThreadPool.singleton.runIfActive { try self.blockingReadLine(until: stop) }
        } onCancel: {
            stop.raise()
        }
    }

    private func blockingReadLine(until stop: StopFlag) throws -> String? {
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            if let line = takeLine(atEnd: false) { return line }
            if stop.isRaised { throw CancellationError() }
            var request = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&request, 1, 100)
            if ready < 0, errno != EINTR { return takeLine(atEnd: true) }
            guard ready > 0 else { continue }
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR || errno == EAGAIN { continue }
            guard count > 0 else { return takeLine(atEnd: true) }
            pending.withLock { bytes in
                bytes.append(contentsOf: chunk.prefix(count))
                if bytes.count > Self.maximumLineBytes, !bytes.contains(UInt8(ascii: "\n")) {
                    bytes.removeFirst(bytes.count - Self.maximumLineBytes)
                }
            }
        }
    }

    /// Removes and returns the first complete line; at the end of input, whatever is left (or `nil`).
    private func takeLine(atEnd: Bool) -> String? {
        pending.withLock { bytes in
            if let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) {
                var line = Array(bytes[..<newline])
                bytes.removeSubrange(...newline)
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                return String(decoding: line, as: UTF8.self)
            }
            guard atEnd, !bytes.isEmpty else { return nil }
            defer { bytes.removeAll() }
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}

/// Set once, from any thread, to ask a blocking loop to stop.
private final class StopFlag: Sendable {
    private let raised = Atomic<Bool>(false)

    func raise() { raised.store(true, ordering: .relaxed) }
    var isRaised: Bool { raised.load(ordering: .relaxed) }
}
