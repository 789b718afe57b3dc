import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A blocking write into a full pipe that signals keep interrupting: each signal arrives while the writer waits for
/// room, so `write(2)` returns `EINTR` (the handler is installed without `SA_RESTART`) or a partial count. Only a
/// write loop that retries both delivers every byte.
enum InterruptedWrite {
    /// What the reader received and how often the writer was signalled.
    struct Outcome {
        var sent: Int
        var received: Int
        var signalsHandled: Int
    }

    /// Runs `write(descriptor, bytes)` on a thread of its own into a pipe that is full before it starts, signals that
    /// thread `signals` times (a few milliseconds apart), then drains the pipe and counts what arrived.
    static func run(bytes count: Int, signals: Int = 20, write: @escaping @Sendable (Int32, [UInt8]) -> Void) throws
        -> Outcome
    {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { throw Failure("pipe: \(errno)") }
        let (readEnd, writeEnd) = (ends[0], ends[1])
        defer { close(readEnd) }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        let prefilled = try fill(writeEnd)

        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in signalsHandled.add(1, ordering: .relaxed) }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        var previous = sigaction()
        guard sigaction(SIGUSR1, &action, &previous) == 0 else { throw Failure("sigaction: \(errno)") }
        defer { sigaction(SIGUSR1, &previous, nil) }
        signalsHandled.store(0, ordering: .relaxed)

        let bytes = [UInt8](repeating: UInt8(ascii: "x"), count: count)
        let writer = WriterThread(descriptor: writeEnd, bytes: bytes, write: write)
        let thread = try writer.start()
        for _ in 0..<signals where !writer.finished {
            pthread_kill(thread, SIGUSR1)
            usleep(5_000)
        }
        var received = 0
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let read = buffer.withUnsafeMutableBytes { Glibc.read(readEnd, $0.baseAddress, $0.count) }
            if read < 0, errno == EINTR { continue }
            guard read > 0 else { break }
            received += read
        }
        writer.release()
        let handled = signalsHandled.load(ordering: .relaxed)
        return Outcome(sent: count, received: received - prefilled, signalsHandled: handled)
    }

    /// Writes into `descriptor` without blocking until the pipe is full; returns how many bytes that took.
    private static func fill(_ descriptor: Int32) throws -> Int {
        let flags = fcntl(descriptor, F_GETFL)
        guard fcntl(descriptor, F_SETFL, flags | O_NONBLOCK) == 0 else { throw Failure("fcntl: \(errno)") }
        let chunk = [UInt8](repeating: UInt8(ascii: "p"), count: 4096)
        var filled = 0
        while true {
            let written = chunk.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            guard written > 0 else { break }
            filled += written
        }
        guard errno == EAGAIN, fcntl(descriptor, F_SETFL, flags) == 0 else { throw Failure("fill: \(errno)") }
        return filled
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}

/// How many signals the handler has run for.
private let signalsHandled = Atomic<Int>(0)

/// The thread that writes and then closes the pipe's write end. It stays alive until ``release()``, so that the
/// test never signals a thread that has exited.
private final class WriterThread: Sendable {
    let descriptor: Int32
    let bytes: [UInt8]
    let write: @Sendable (Int32, [UInt8]) -> Void
    private let done = Atomic<Bool>(false)
    private let started = DispatchSemaphore(value: 0)
    private let mayExit = DispatchSemaphore(value: 0)
    private let handle = Mutex<pthread_t?>(nil)

    init(descriptor: Int32, bytes: [UInt8], write: @escaping @Sendable (Int32, [UInt8]) -> Void) {
        self.descriptor = descriptor
        self.bytes = bytes
        self.write = write
    }

    var finished: Bool { done.load(ordering: .acquiring) }

    /// Starts the thread; returns it once it is about to write.
    func start() throws -> pthread_t {
        let thread = Thread { [self] in
            // A thread inherits its creator's signal mask, and Swift's concurrency threads block SIGUSR1.
            var signals = sigset_t()
            sigemptyset(&signals)
            sigaddset(&signals, SIGUSR1)
            pthread_sigmask(SIG_UNBLOCK, &signals, nil)
            handle.withLock { $0 = pthread_self() }
            started.signal()
            write(descriptor, bytes)
            close(descriptor)
            done.store(true, ordering: .releasing)
            mayExit.wait()
        }
        thread.start()
        guard started.wait(timeout: .now() + 10) == .success, let id = handle.withLock({ $0 }) else {
            throw InterruptedWrite.Failure("the writer thread did not start")
        }
        return id
    }

    /// Lets the thread end.
    func release() {
        mayExit.signal()
    }
}
