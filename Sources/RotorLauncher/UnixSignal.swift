#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A POSIX signal number, with names for the signals a wrapper cares about.
public struct UnixSignal: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The signal number, as `kill(2)` takes it.
    public var rawValue: Int32

    /// Creates a signal from its number.
    public init(rawValue: Int32) {
        self.rawValue = rawValue
    }

    /// SIGINT: the terminal's interrupt key (Ctrl-C).
    public static let interrupt = UnixSignal(rawValue: SIGINT)
    /// SIGQUIT: the terminal's quit key (Ctrl-\).
    public static let quit = UnixSignal(rawValue: SIGQUIT)
    /// SIGTERM: a polite request to terminate.
    public static let terminate = UnixSignal(rawValue: SIGTERM)
    /// SIGHUP: the terminal hung up, or a process asks for a hang-up.
    public static let hangUp = UnixSignal(rawValue: SIGHUP)
    /// SIGCONT: continue if stopped.
    public static let `continue` = UnixSignal(rawValue: SIGCONT)
    /// SIGWINCH: the terminal window changed size.
    public static let windowChange = UnixSignal(rawValue: SIGWINCH)
    /// SIGKILL: cannot be caught or ignored.
    public static let kill = UnixSignal(rawValue: SIGKILL)

    /// The signal's conventional name, such as `SIGTERM`, or `signal N` for a signal without one here.
    public var description: String {
        switch self {
        case .interrupt: "SIGINT"
        case .quit: "SIGQUIT"
        case .terminate: "SIGTERM"
        case .hangUp: "SIGHUP"
        case .continue: "SIGCONT"
        case .windowChange: "SIGWINCH"
        case .kill: "SIGKILL"
        default: "signal \(rawValue)"
        }
    }
}
