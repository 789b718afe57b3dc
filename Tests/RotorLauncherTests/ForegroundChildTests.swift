@testable import RotorLauncher
import RotorTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// These tests change process-wide signal dispositions and signal the test process itself, so they run one at a
/// time (a signal relay is process-wide; only one can be active).
@Suite(.serialized) struct ForegroundChildTests {
    /// A SIGTERM (or SIGHUP) that a process sends to rotor is passed on to the child, followed by SIGCONT: a
    /// stopped child is woken and ends by that signal (without SIGCONT it would stay stopped and time out).
    @Test(arguments: [UnixSignal.terminate, .hangUp])
    func forwardsSignalFromAProcessThenContinue(signal: UnixSignal) async throws {
        let status = try await SignalRelay.withRelay(
            relaying: SignalForwarding.relayed, ignoring: SignalForwarding.ignored
        ) { relay in
            let child = try await ChildProcess.spawn(ShellChild.command("kill -STOP $$; exec sleep 60"))
            try awaitStopped(child)
            #expect(kill(getpid(), signal.rawValue) == 0)
            return try await ShellChild.bounded(child) { await ForegroundChild.supervise(child, signals: relay) }
        }
        #expect(status == .signaled(signal))
    }

    /// SIGINT, SIGQUIT and SIGWINCH sent to rotor alone are not passed on: the child keeps running and is ended only
    /// by the SIGTERM sent after them (signals are relayed in order, so a forwarded SIGINT would have killed it
    /// first). rotor itself survives SIGINT and SIGQUIT.
    @Test func doesNotForwardInterruptQuitOrWindowChange() async throws {
        let status = try await SignalRelay.withRelay(
            relaying: SignalForwarding.relayed, ignoring: SignalForwarding.ignored
        ) { relay in
            let child = try await ChildProcess.spawn(ShellChild.command("exec sleep 60"))
            for signal in [UnixSignal.interrupt, .quit, .windowChange, .terminate] {
                #expect(kill(getpid(), signal.rawValue) == 0)
            }
            return try await ShellChild.bounded(child) { await ForegroundChild.supervise(child, signals: relay) }
        }
        #expect(status == .signaled(.terminate))
    }

    /// Signals rotor ignores or blocks are not inherited: the child starts with default dispositions and an empty
    /// mask, so Ctrl-C reaches it normally.
    @Test func childStartsWithDefaultSignalHandling() async throws {
        let temporary = try TemporaryDirectory(prefix: "rotor-launcher-test")
        defer { temporary.remove() }
        let directory = temporary.path
        let output = "\(directory)/status"
        let script = #"exec grep -E '^Sig(Blk|Ign):' /proc/self/status > "$1""#
        let status = try await ForegroundChild.run(ShellChild.command(script, output))
        #expect(status == .exited(0))
        #expect(try ShellChild.read(output) == "SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n")
    }

    /// `run` returns the child's status and restores rotor's own signal dispositions afterwards.
    @Test func runReturnsStatusAndRestoresDispositions() async throws {
        #expect(disposition(of: .interrupt) == SIG_DFL_VALUE)
        #expect(try await ForegroundChild.run(ShellChild.command("exit 7")) == .exited(7))
        #expect(disposition(of: .interrupt) == SIG_DFL_VALUE)
        #expect(disposition(of: .terminate) == SIG_DFL_VALUE)
    }

    /// A child that cannot be started is an error, and the relay is still released.
    @Test func spawnFailureIsThrown() async throws {
        let command = ChildCommand(executablePath: "/nonexistent/tool", arguments: ["tool"], environment: [:])
        let error = await #expect(throws: LaunchError.self) { try await ForegroundChild.run(command) }
        #expect(error?.code == .commandNotFound)
        #expect(disposition(of: .interrupt) == SIG_DFL_VALUE)
    }

    /// When the waiting task is cancelled (the proxy failed), the child is asked to terminate and still awaited.
    @Test func cancellationTerminatesAndAwaitsTheChild() async throws {
        let status = try await SignalRelay.withRelay(
            relaying: SignalForwarding.relayed, ignoring: SignalForwarding.ignored
        ) { relay in
            let child = try await ChildProcess.spawn(ShellChild.command("exec sleep 60"))
            return try await ShellChild.bounded(child) {
                await withTaskGroup(of: ExitStatus.self) { group in
                    group.addTask { await ForegroundChild.supervise(child, signals: relay) }
                    group.cancelAll()
                    return await group.next()!
                }
            }
        }
        #expect(status == .signaled(.terminate))
    }

    /// Only one relay can be active in a process.
    @Test func secondRelayIsRefused() async throws {
        try await SignalRelay.withRelay(relaying: [.terminate], ignoring: []) { _ in
            let error = await #expect(throws: LaunchError.self) {
                try await SignalRelay.withRelay(relaying: [.terminate], ignoring: []) { _ in }
            }
            #expect(error?.code == .signalHandlingUnavailable)
        }
    }

    /// Blocks until `child` has stopped (or exited), using waitid without reaping.
    private func awaitStopped(_ child: ChildProcess) throws {
        var info = siginfo_t()
        while waitid(P_PID, id_t(child.processID), &info, WSTOPPED | WEXITED | WNOWAIT) != 0 {
            guard errno == EINTR else {
                throw TestFailure("waitid failed: errno \(errno)")
            }
        }
        guard info.si_code == CLD_STOPPED else {
            throw TestFailure("child ended instead of stopping (si_code \(info.si_code))")
        }
    }

    private var SIG_DFL_VALUE: Int { 0 }

    /// The current disposition of `signal` as a number (0 = default, 1 = ignore, else a handler address).
    private func disposition(of signal: UnixSignal) -> Int {
        var action = sigaction()
        sigaction(signal.rawValue, nil, &action)
        return unsafeBitCast(action.__sigaction_handler.sa_handler, to: Int.self)
    }
}
