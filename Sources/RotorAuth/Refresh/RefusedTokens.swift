import RotorCore
import Synchronization

/// The refresh tokens the issuer refused in this process, with the reason it gave: a refused token is never sent
/// again, even before the caller's needs-login reaches the store.
final class RefusedTokens: Sendable {
    private let reasons = Mutex<[String: String]>([:])

    /// Remembers that the issuer refused `token` for `reason`.
    func insert(_ token: RefusedRefreshToken, reason: String) {
        reasons.withLock { $0[token.value] = reason }
    }

    /// The reason `token` was refused, if it was.
    func reason(for token: RefusedRefreshToken) -> String? {
        reasons.withLock { $0[token.value] }
    }
}
