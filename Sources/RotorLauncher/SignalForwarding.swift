/// Which signals a wrapper passes on to its child, and which it ignores, as tini and dumb-init do.
///
/// The wrapper and its child share the terminal's foreground process group, so the terminal already delivers
/// Ctrl-C, Ctrl-\, window-size changes and hang-ups to the child itself: passing those on would double them (many
/// CLIs exit on a second Ctrl-C). Only a SIGTERM or SIGHUP that a process sent to the wrapper alone is passed on,
/// followed by SIGCONT in case the child is stopped. This is what tini and dumb-init do. One exception: a kernel
/// hang-up reaches only the session leader, so a wrapper that leads its session passes it on (see ``SessionRole``).
public enum SignalForwarding {
    /// Signals the wrapper catches while the child runs, to decide about forwarding.
    public static let relayed: [UnixSignal] = [.terminate, .hangUp]

    /// Signals the wrapper ignores while the child runs (never forwarded: the terminal delivers them to the child).
    public static let ignored: [UnixSignal] = [.interrupt, .quit]

    /// The signals to send to the child, in order, for one signal the wrapper (in `role`) received.
    public static func signalsToSend(for received: ReceivedSignal, role: SessionRole) -> [UnixSignal] {
        guard relayed.contains(received.signal) else {
            return []
        }
        switch (received.origin, received.signal, role) {
        case (.process, _, _), (.kernel, .hangUp, .leader):
            return [received.signal, .continue]
        default:
            return []
        }
    }
}
