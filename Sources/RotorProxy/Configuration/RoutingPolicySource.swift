import RotorCore
import RotorPlatform

/// Where a proxy's routing policy comes from: a fixed policy, or a configuration file read at start and read again
/// when it changes (``RoutingPolicyWatch``).
public struct RoutingPolicySource: Sendable {
    /// Reads the policy the file at `path` states, resolving its account selectors against `accounts`: `nil` when
    /// there is no file (rotor's default order); an error's description is one line that says what to fix.
    public typealias Read = @Sendable (_ path: String, _ accounts: [Account]) throws -> RoutingPolicy?

    /// The policy at start.
    public let initial: PolicyInForce
    /// The file, its fingerprint when it was read, and how to read it again; `nil` for a fixed policy.
    let watched: (path: String, fingerprint: FileFingerprint?, read: Read)?

    /// rotor's order without a configuration file, never changed.
    public static let `default` = RoutingPolicySource(fixed: .default)

    /// `policy`, never changed.
    public init(fixed policy: RoutingPolicy) {
        initial = PolicyInForce(policy)
        watched = nil
    }

    /// Reads the file at `path` now with `read`, and again on the first request after it changed.
    ///
    /// - Throws: what `read` threw: the proxy must not start on a broken configuration.
    public init(file path: String, accounts: [Account], read: @escaping Read) throws {
        // The fingerprint is taken before the read: an edit during the read is read again on the first request.
        let fingerprint = FileFingerprint.of(path: path)
        initial = PolicyInForce(try read(path, accounts) ?? .default)
        watched = (path, fingerprint, read)
    }

    /// The watched file's path, if any.
    public var file: String? { watched?.path }
}
