import CRotorSpawn

/// A signal delivered to this process, with who sent it.
public struct ReceivedSignal: Hashable, Sendable {
    /// Who made a signal happen, from the `si_code` the kernel recorded.
    public enum Origin: Hashable, Sendable {
        /// Another process (or this one) sent it with `kill(2)` or `sigqueue(3)` (`SI_USER`, `SI_QUEUE`).
        case process
        /// The kernel generated it, for example for a terminal hang-up (`SI_KERNEL`); the terminal's foreground
        /// process group, and so the child, received its own copy.
        case kernel
        /// Any other `si_code` (such as `tgkill(2)`'s `SI_TKILL`).
        case other(code: Int32)

        /// Classifies a `si_code`.
        public init(code: Int32) {
            switch code {
            case rotor_si_user, rotor_si_queue: self = .process
            case rotor_si_kernel: self = .kernel
            default: self = .other(code: code)
            }
        }
    }

    /// The signal.
    public var signal: UnixSignal
    /// Who sent it.
    public var origin: Origin

    /// Creates a received signal.
    public init(signal: UnixSignal, origin: Origin) {
        self.signal = signal
        self.origin = origin
    }
}
