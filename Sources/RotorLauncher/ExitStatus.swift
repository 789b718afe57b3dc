/// How a child process ended, and the exit status a wrapper passes on for it.
public enum ExitStatus: Hashable, Sendable {
    /// The child called `exit` with this status (0–255).
    case exited(Int32)
    /// The child was killed by this signal.
    case signaled(UnixSignal)

    /// The exit status a wrapper exits with: the child's own, or 128 + N when signal N killed it (as shells,
    /// tini and dumb-init report it).
    public var code: Int32 {
        switch self {
        case .exited(let status): status
        case .signaled(let signal): 128 + signal.rawValue
        }
    }

    /// Decodes a status word from `waitpid(2)` of a child that has ended (exited or killed).
    public init(waitStatus: Int32) {
        let terminatingSignal = waitStatus & 0x7f
        if terminatingSignal == 0 {
            self = .exited((waitStatus >> 8) & 0xff)
        } else {
            self = .signaled(UnixSignal(rawValue: terminatingSignal))
        }
    }
}
