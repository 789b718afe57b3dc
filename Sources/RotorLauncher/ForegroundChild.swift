/// Runs a command as rotor's foreground child: spawn, forward signals, wait.
///
/// While the child runs, this process ignores SIGINT and SIGQUIT (the terminal delivers them to the child, which
/// shares its process group) and relays SIGTERM and SIGHUP to decide, by ``SignalForwarding``, whether to pass
/// them on (a kernel hang-up too when this process leads its session). SIGWINCH is left alone (its default is to be
/// ignored) and never passed on.
public enum ForegroundChild {
    /// What happened while waiting for the child.
    enum Event: Sendable {
        /// The child ended.
        case childExited(ExitStatus)
        /// This process received a relayed signal.
        case signal(ReceivedSignal)
        /// No more signals will be relayed: the waiting task was cancelled.
        case relayEnded
    }

    /// Starts `command`, forwards signals to it, and returns how it ended.
    ///
    /// Throws ``LaunchError`` when the child could not be started; it never ran then. If the calling task is
    /// cancelled (for example because the proxy failed), the child is sent SIGTERM and SIGCONT and still awaited:
    /// this function never returns while the child runs.
    public static func run(_ command: ChildCommand) async throws -> ExitStatus {
        try await SignalRelay.withRelay(relaying: SignalForwarding.relayed, ignoring: SignalForwarding.ignored) {
            relay in
            let child = try await ChildProcess.spawn(command)
            return await supervise(child, signals: relay)
        }
    }

    /// Waits for `child`, passing on the signals ``SignalForwarding`` selects.
    static func supervise(_ child: ChildProcess, signals relay: SignalRelay) async -> ExitStatus {
        let role = SessionRole.current
        return await withTaskGroup(of: Event.self) { group in
            group.addTask { .childExited(await child.wait()) }
            group.addTask { await relay.next().map(Event.signal) ?? .relayEnded }
            while let event = await group.next() {
                switch event {
                case .childExited(let status):
                    group.cancelAll()
                    return status
                case .signal(let received):
                    for signal in SignalForwarding.signalsToSend(for: received, role: role) {
                        child.send(signal)
                    }
                    group.addTask { await relay.next().map(Event.signal) ?? .relayEnded }
                case .relayEnded:
                    child.send(.terminate)
                    child.send(.continue)
                }
            }
            preconditionFailure("the child's exit is always awaited before the group empties")
        }
    }
}
