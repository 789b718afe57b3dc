/// The only addresses rotor listens on: a loopback literal, never a name and never another interface.
public enum LoopbackHost: String, Sendable, CaseIterable {
    /// `127.0.0.1`, the default.
    case ipv4 = "127.0.0.1"
    /// `::1`.
    case ipv6 = "::1"

    /// Parses the literal spelling; `nil` for anything else (including `localhost` and `0.0.0.0`).
    public init?(literal: String) {
        self.init(rawValue: literal)
    }

    /// The host as written in a URL: `127.0.0.1` or `[::1]`.
    public var urlHost: String {
        switch self {
        case .ipv4: rawValue
        case .ipv6: "[::1]"
        }
    }
}
