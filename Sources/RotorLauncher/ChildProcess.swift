import CRotorSpawn
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A child process started through the `CRotorSpawn` shim: it shares the caller's terminal and process group,
/// inherits only descriptors 0–2, and is killed by the kernel if the caller dies (even by `kill -9`).
///
/// The child is spawned from a thread of its own that stays until the child has exited, because the parent-death
/// signal fires when the thread that forked the child exits; the same thread waits for the child.
public final class ChildProcess: Sendable {
    /// The child's process ID.
    public let processID: pid_t

    private let state = Mutex<State>(.running(waiters: []))

    private enum State {
        case running(waiters: [CheckedContinuation<ExitStatus, Never>])
        case exited(ExitStatus)
    }

    private init(processID: pid_t) {
        self.processID = processID
    }

    /// Starts `command` and returns once it has exec'ed; throws ``LaunchError`` when it could not be created or
    /// executed (nothing is left running then).
    public static func spawn(_ command: ChildCommand) async throws(LaunchError) -> ChildProcess {
        let started: Result<ChildProcess, LaunchError> = await withCheckedContinuation { continuation in
            do throws(LaunchError) {
                try DedicatedThread.start { runAndWait(command, reportingStartTo: continuation) }
            } catch {
                continuation.resume(returning: .failure(error))
            }
        }
        return try started.get()
    }

    /// Waits until the child has exited and returns how it ended.
    ///
    /// Waiting is not cancellable: a child is always awaited to its end. To end it sooner, ``send(_:)`` it a
    /// signal.
    public func wait() async -> ExitStatus {
        await withCheckedContinuation { continuation in
            let status: ExitStatus? = state.withLock { state in
                switch state {
                case .exited(let status):
                    return status
                case .running(var waiters):
                    waiters.append(continuation)
                    state = .running(waiters: waiters)
                    return nil
                }
            }
            if let status {
                continuation.resume(returning: status)
            }
        }
    }

    /// Sends `signal` to the child if it has not been reaped yet; returns whether it was sent.
    ///
    /// The child is reaped under the same lock, so its process ID cannot have been reused by another process.
    @discardableResult
    public func send(_ signal: UnixSignal) -> Bool {
        state.withLock { state in
            guard case .running = state else {
                return false
            }
            return kill(processID, signal.rawValue) == 0
        }
    }

    /// Runs on the dedicated thread: spawns, reports the start, then waits for the child and reaps it.
    private static func runAndWait(
        _ command: ChildCommand,
        reportingStartTo continuation: CheckedContinuation<Result<ChildProcess, LaunchError>, Never>
    ) {
        var processID: pid_t = 0
        let result = withCStringArray(command.arguments) { arguments in
            withCStringArray(command.environmentEntries) { environment in
                rotor_spawn(command.executablePath, arguments, environment, &processID)
            }
        }
        guard result == 0 else {
            let error =
                result > 0
                ? LaunchError.execFailed(command.executablePath, errno: result)
                : LaunchError.spawnFailed(command.executablePath, errno: -result)
            continuation.resume(returning: .failure(error))
            return
        }
        let child = ChildProcess(processID: processID)
        continuation.resume(returning: .success(child))
        // Wait without reaping, so that send(_:) never signals a recycled process ID.
        _ = rotor_wait_exited(processID)
        child.reap()
    }

    private func reap() {
        let waiters: [CheckedContinuation<ExitStatus, Never>]
        let status: ExitStatus
        (waiters, status) = state.withLock { state in
            var waitStatus: Int32 = 0
            // ECHILD only if something else in this process reaped the child (the shim keeps SIGCHLD from
            // letting the kernel do it): its status is lost then.
            let status = rotor_reap(processID, &waitStatus) == 0 ? ExitStatus(waitStatus: waitStatus) : .exited(255)
            guard case .running(let waiters) = state else {
                return ([], status)
            }
            state = .exited(status)
            return (waiters, status)
        }
        for waiter in waiters {
            waiter.resume(returning: status)
        }
    }

    /// Calls `body` with a NULL-terminated C array of copies of `strings`, freed afterwards.
    private static func withCStringArray<Result>(
        _ strings: [String],
        _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> Result
    ) -> Result {
        var pointers = strings.map { strdup($0) }
        pointers.append(nil)
        defer {
            for pointer in pointers {
                free(pointer)
            }
        }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
