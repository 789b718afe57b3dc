import CRotorSpawn
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Delivers signals sent to this process, with their sender's `si_code`, as awaitable events.
///
/// A `sigaction(SA_SIGINFO)` handler in `CRotorSpawn` writes each relayed signal to a pipe; a dedicated thread
/// reads the pipe. Only one relay can be active in a process at a time (signal dispositions are process-wide).
public final class SignalRelay: Sendable {
    private let state = Mutex(State())

    private struct State {
        var pending: [ReceivedSignal] = []
        var waiter: CheckedContinuation<ReceivedSignal?, Never>?
        var ended = false
    }

    private init() {}

    /// Catches `relaying` and ignores `ignoring` while `body` runs, then restores the previous dispositions.
    ///
    /// Throws ``LaunchError`` when the handlers cannot be installed (another relay is active, no descriptors).
    public static func withRelay<Result>(
        relaying: [UnixSignal],
        ignoring: [UnixSignal],
        _ body: (SignalRelay) async throws -> Result
    ) async throws -> Result {
        var readDescriptor: Int32 = -1
        let relayed = relaying.map(\.rawValue)
        let ignored = ignoring.map(\.rawValue)
        let error = relayed.withUnsafeBufferPointer { relayed in
            ignored.withUnsafeBufferPointer { ignored in
                rotor_signal_relay_start(
                    relayed.baseAddress, Int32(relayed.count), ignored.baseAddress, Int32(ignored.count),
                    &readDescriptor
                )
            }
        }
        guard error == 0 else {
            throw LaunchError.signalHandlingUnavailable(errno: error)
        }
        let relay = SignalRelay()
        let descriptor = readDescriptor
        do {
            try DedicatedThread.start { relay.readSignals(from: descriptor) }
        } catch {
            rotor_signal_relay_stop()
            close(descriptor)
            throw error
        }
        // Stopping closes the pipe's write end: the reading thread then sees end-of-file and ends.
        defer { rotor_signal_relay_stop() }
        return try await body(relay)
    }

    /// The next relayed signal, in order of arrival; `nil` once the relay has ended or the task is cancelled.
    public func next() async -> ReceivedSignal? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let ready: ReceivedSignal?? = state.withLock { state in
                    if !state.pending.isEmpty {
                        return .some(state.pending.removeFirst())
                    }
                    // Checked under the lock: the cancellation handler takes the lock after the flag is set.
                    if state.ended || Task.isCancelled {
                        return .some(nil)
                    }
                    precondition(state.waiter == nil, "SignalRelay.next() must not be awaited concurrently")
                    state.waiter = continuation
                    return .none
                }
                if case .some(let signal) = ready {
                    continuation.resume(returning: signal)
                }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(returning: nil)
        }
    }

    /// Runs on the dedicated thread until the write end is closed.
    private func readSignals(from descriptor: Int32) {
        var record = rotor_received_signal()
        while Self.readRecord(&record, from: descriptor) {
            let received = ReceivedSignal(
                signal: UnixSignal(rawValue: record.signal_number),
                origin: ReceivedSignal.Origin(code: record.code)
            )
            let waiter = state.withLock { state in
                guard let waiter = state.waiter else {
                    state.pending.append(received)
                    return nil as CheckedContinuation<ReceivedSignal?, Never>?
                }
                state.waiter = nil
                return waiter
            }
            waiter?.resume(returning: received)
        }
        close(descriptor)
        let waiter = state.withLock { state in
            state.ended = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: nil)
    }

    /// Reads one whole record; false at end-of-file or on an error.
    private static func readRecord(_ record: inout rotor_received_signal, from descriptor: Int32) -> Bool {
        let size = MemoryLayout<rotor_received_signal>.size
        var filled = 0
        return withUnsafeMutableBytes(of: &record) { buffer in
            while filled < size {
                let count = read(descriptor, buffer.baseAddress! + filled, size - filled)
                if count > 0 {
                    filled += count
                } else if count < 0 && errno == EINTR {
                    continue
                } else {
                    return false
                }
            }
            return true
        }
    }
}
