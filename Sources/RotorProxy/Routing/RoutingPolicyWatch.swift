import Logging
import RotorCore
import RotorPlatform
import Synchronization

/// The routing policy over a proxy's run: the one read at start, replaced on the first request after its file
/// changed, and only when the new text passes the same check as `rotor policy check`. A broken edit is logged once
/// and ignored: the policy in force stays until the file is fixed. A removed file means rotor's default order.
///
/// One `stat(2)` per request tells whether the file changed (its inode, size and modification time); the file is
/// read only then.
final class RoutingPolicyWatch: Sendable {
    private let source: RoutingPolicySource
    private let state: Mutex<State>

    private struct State {
        var inForce: PolicyInForce
        /// The fingerprint of the file last read, whether or not it passed the check.
        var fingerprint: FileFingerprint?
    }

    init(_ source: RoutingPolicySource) {
        self.source = source
        state = Mutex(State(inForce: source.initial, fingerprint: source.watched?.fingerprint))
    }

    /// The policy for the request that starts now: the file is read again when it changed since it was last read,
    /// with its account selectors resolved against `accounts()`.
    ///
    /// The read happens on the request's task, outside the lock; of requests that saw the same change at once, only
    /// the first to finish replaces the policy and logs, so an older read never overwrites a newer one.
    func current(accounts: () throws -> [Account], logger: Logger) -> PolicyInForce {
        guard let watched = source.watched else { return source.initial }
        let fingerprint = FileFingerprint.of(path: watched.path)
        let (inForce, seen) = state.withLock { ($0.inForce, $0.fingerprint) }
        guard fingerprint != seen else { return inForce }
        let pool: [Account]
        do {
            pool = try accounts()
        } catch {
            // The store failed, not the file: the file is read again on the next request.
            logger.warning(
                "routing policy file changed but the accounts could not be read; it is read again on the next request",
                metadata: ["rotor.error": "\(error)"])
            return inForce
        }
        let read: Result<PolicyInForce, any Error>
        do {
            read = .success(PolicyInForce(try watched.read(watched.path, pool) ?? .default))
        } catch {
            read = .failure(error)
        }
        let replaced: PolicyInForce? = state.withLock { state in
            guard state.fingerprint == seen else { return nil }
            state.fingerprint = fingerprint
            if case .success(let policy) = read { state.inForce = policy }
            return state.inForce
        }
        guard let replaced else { return state.withLock { $0.inForce } }
        switch read {
        case .success(let policy) where policy.version != inForce.version:
            logger.notice("routing policy changed", metadata: [
                "rotor.policy-file": "\(watched.path)", "rotor.policy-version": "\(policy.version)",
                "rotor.previous-policy-version": "\(inForce.version)",
            ])
        case .success:
            break
        case .failure(let error):
            logger.error(
                "routing policy edit ignored; the policy in force stays until the file passes `rotor policy check`",
                metadata: ["rotor.error": "\(error)", "rotor.policy-version": "\(inForce.version)"])
        }
        return replaced
    }
}
