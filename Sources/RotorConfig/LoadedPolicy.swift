public import RotorCore

/// The policy a config file states, with where each of its values came from.
public struct LoadedPolicy: Sendable, Equatable {
    /// The policy: the file's values over ``RoutingPolicy/default``'s.
    public var policy: RoutingPolicy
    /// Where each effective value came from, for `policy show`: key path (e.g. `routing.strategy`,
    /// `routing.reserve.weekly`, `accounts."work".priority`) → line in the file.
    ///
    /// A window is named as rotor names it (`weekly` also for a file's `7d`) and an account by its label (whichever
    /// selector the file used). A value the file does not state has no entry: it is the default.
    public var lines: [String: Int]
    /// The file's path as given.
    public var path: String

    /// Creates a loaded policy.
    public init(policy: RoutingPolicy, lines: [String: Int], path: String) {
        self.policy = policy
        self.lines = lines
        self.path = path
    }
}
