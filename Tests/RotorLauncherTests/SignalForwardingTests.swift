import RotorLauncher
import Testing

@Suite struct SignalForwardingTests {
    /// Only SIGTERM and SIGHUP sent by a process are passed on, each followed by SIGCONT; what the terminal
    /// generated (Ctrl-C, Ctrl-\, resize, a kernel hang-up) already reached the child and is never passed on.
    @Test(arguments: [
        (ReceivedSignal(signal: .terminate, origin: .process), [UnixSignal.terminate, .continue]),
        (ReceivedSignal(signal: .hangUp, origin: .process), [.hangUp, .continue]),
        (ReceivedSignal(signal: .hangUp, origin: .kernel), []),
        (ReceivedSignal(signal: .terminate, origin: .kernel), []),
        (ReceivedSignal(signal: .terminate, origin: .other(code: -6)), []),
        (ReceivedSignal(signal: .interrupt, origin: .process), []),
        (ReceivedSignal(signal: .interrupt, origin: .kernel), []),
        (ReceivedSignal(signal: .quit, origin: .process), []),
        (ReceivedSignal(signal: .windowChange, origin: .process), []),
        (ReceivedSignal(signal: .windowChange, origin: .kernel), []),
    ])
    func forwardingDecisionUnderAShell(received: ReceivedSignal, expected: [UnixSignal]) {
        #expect(SignalForwarding.signalsToSend(for: received, role: .member) == expected)
    }

    /// When rotor leads its session (started by tmux, ssh or setsid), a terminal hang-up reaches rotor alone, so it
    /// is passed on too; everything else is decided as under a shell.
    @Test(arguments: [
        (ReceivedSignal(signal: .hangUp, origin: .kernel), [UnixSignal.hangUp, .continue]),
        (ReceivedSignal(signal: .hangUp, origin: .process), [.hangUp, .continue]),
        (ReceivedSignal(signal: .terminate, origin: .process), [.terminate, .continue]),
        (ReceivedSignal(signal: .terminate, origin: .kernel), []),
        (ReceivedSignal(signal: .interrupt, origin: .kernel), []),
        (ReceivedSignal(signal: .windowChange, origin: .kernel), []),
    ])
    func forwardingDecisionAsSessionLeader(received: ReceivedSignal, expected: [UnixSignal]) {
        #expect(SignalForwarding.signalsToSend(for: received, role: .leader) == expected)
    }

    /// SIGINT and SIGQUIT are ignored while the child runs; SIGWINCH is neither relayed nor ignored (its default
    /// is to be ignored already).
    @Test func relayedAndIgnoredSets() {
        #expect(SignalForwarding.relayed == [.terminate, .hangUp])
        #expect(SignalForwarding.ignored == [.interrupt, .quit])
        #expect(!SignalForwarding.relayed.contains(.windowChange))
    }

    /// `si_code` values: SI_USER (kill) and SI_QUEUE (sigqueue) are a process; SI_KERNEL is the kernel.
    @Test(arguments: [
        (Int32(0), ReceivedSignal.Origin.process),
        (-1, .process),
        (0x80, .kernel),
        (-6, .other(code: -6)),
    ])
    func originFromCode(code: Int32, expected: ReceivedSignal.Origin) {
        #expect(ReceivedSignal.Origin(code: code) == expected)
    }
}
