#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Whether a process leads its session, which decides who receives a terminal hang-up.
///
/// When a terminal hangs up, the kernel sends SIGHUP to the session leader (the controlling process) only; the
/// foreground process group gets its own SIGHUP only once that leader has exited. So a wrapper that a shell started
/// need not pass a kernel hang-up on (the child got, or will get, its own), but a wrapper that leads the session
/// itself (`tmux new-session 'rotor run -- codex'`, `ssh host rotor run …`, `setsid`) must, or its child would wait
/// forever for a hang-up that only comes after the wrapper exits.
public enum SessionRole: Hashable, Sendable {
    /// This process leads its session: kernel hang-ups come to it alone.
    case leader
    /// Another process (typically a shell) leads the session.
    case member

    /// The role of the calling process.
    public static var current: SessionRole {
        getsid(0) == getpid() ? .leader : .member
    }
}
