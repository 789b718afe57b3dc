/// The routing policy a proxy runs, with its version computed once when the policy was read: every decision record
/// of a request routed under it carries that version.
public struct PolicyInForce: Hashable, Sendable {
    /// The policy.
    public let policy: RoutingPolicy
    /// ``RoutingPolicy/version`` of ``policy``.
    public let version: String

    /// The policy with its version.
    public init(_ policy: RoutingPolicy) {
        self.policy = policy
        self.version = policy.version
    }

    /// rotor's order without a configuration file.
    public static let `default` = PolicyInForce(.default)
}
