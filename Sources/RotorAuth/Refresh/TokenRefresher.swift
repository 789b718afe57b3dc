import AsyncHTTPClient
import Foundation
import Logging
import RotorCore
import RotorStore

/// Provides an account's credentials, refreshing its tokens when they expire soon or were rejected.
///
/// OpenAI rotates refresh tokens and logs out an account whose refresh token is used twice, so a refresh is
/// single-flight within the process (``RefreshFlights``) and across processes (``AccountLock``). Under the lock the
/// stored tokens are read again: another process may have refreshed them already, and then they are used as they
/// are. A refresh is one `POST {issuer}/oauth/token` outside any database transaction, then one short write of the
/// new tokens before anyone uses them (design-notes §4, issue 4 §4).
public struct TokenRefresher: Sendable {
    /// Why a caller asks for credentials.
    public enum Trigger: Sendable, Equatable {
        /// The access token expires soon; refresh unless it no longer does. Same as passing `nil`.
        case nearExpiry
        /// The upstream answered 401 to this access token; refresh unless the stored token is another one.
        case unauthorized(rejectedAccessToken: String)
    }

    /// Access tokens expiring within this span are refreshed ahead of time.
    public static let refreshMargin = Duration.seconds(TokenRenewal.margin)

    let store: AccountStore
    let directory: StateDirectory
    let issuer: OAuthIssuer
    let post: OAuthPost
    let logger: Logger
    let flights = RefreshFlights()
    /// How long to wait for another process's refresh of the same account before giving up for now.
    var lockWait = Duration.seconds(45)
    /// Paces the retries while another holder has the lock (tests observe the wait through it).
    var lockClock: any Clock<Duration> = ContinuousClock()

    /// A refresher over `store`, locking in `directory`, refreshing at `issuer` over `httpClient`.
    public init(
        store: AccountStore,
        directory: StateDirectory,
        issuer: OAuthIssuer,
        httpClient: HTTPClient,
        logger: Logger
    ) {
        self.store = store
        self.directory = directory
        self.issuer = issuer
        self.post = OAuthPost(httpClient: httpClient, timeout: .seconds(30), logger: logger)
        self.logger = logger
    }

    /// Credentials to use now: refreshes under the per-account flock when needed (design-notes §4, issue 4 §4).
    /// trigger nil = refresh only if the access token expires within 5 minutes.
    ///
    /// - Throws: ``TokenRefreshError``: `needsLogin` (already stored; never retried) or `transient`.
    public func credentials(for id: AccountID, trigger: Trigger?, now: Date) async throws -> AccountCredentials {
        let stored = try readStored(id)
        guard Self.decision(for: stored, trigger: trigger, now: now) == .refresh else { return stored.credentials }
        return try await flights.credentials(for: id, trigger: trigger) {
            try await refreshUnderLock(id, trigger: trigger, now: now)
        }
    }

    private func refreshUnderLock(_ id: AccountID, trigger: Trigger?, now: Date) async throws -> AccountCredentials {
        try await AccountLock.withLock(for: id, in: directory, maximumWait: lockWait, clock: lockClock) {
            let stored = try readStored(id)
            guard Self.decision(for: stored, trigger: trigger, now: now) == .refresh else {
                logger.debug("tokens already refreshed elsewhere", metadata: ["rotor.account": "\(id)"])
                return stored.credentials
            }
            return try await refresh(id, stored: stored, now: now)
        }
    }

    private func refresh(_ id: AccountID, stored: StoredTokens, now: Date) async throws -> AccountCredentials {
        logger.debug("refreshing tokens", metadata: ["rotor.account": "\(id)"])
        let answer: RefreshAnswer
        do {
            let reply = try await post.send(
                .json(RefreshRequest(refreshToken: stored.credentials.refreshToken)),
                to: issuer.tokenEndpoint
            )
            answer = RefreshAnswer.classify(status: reply.status, body: reply.body)
        } catch {
            answer = .transient("cannot reach the login server: \(error.description)")
        }
        switch answer {
        case .refreshed(let idToken, let accessToken, let refreshToken):
            let credentials = RefreshAnswer.merge(
                idToken: idToken,
                accessToken: accessToken,
                refreshToken: refreshToken,
                into: stored.credentials,
                now: now
            )
            let expiresAt = accessToken == nil ? stored.expiresAt : Self.expiry(of: credentials.accessToken)
            do {
                try store.storeRefreshedCredentials(credentials, accessTokenExpiresAt: expiresAt, for: id)
            } catch {
                logger.error(
                    "cannot store refreshed tokens", metadata: ["rotor.account": "\(id)", "rotor.error": "\(error)"])
                throw TokenRefreshError.transient("cannot store the refreshed tokens: \(error)")
            }
            logger.debug("tokens refreshed", metadata: ["rotor.account": "\(id)"])
            return credentials
        case .revoked(let reason):
            logger.warning(
                "account needs a new login", metadata: ["rotor.account": "\(id)", "rotor.reason": "\(reason)"])
            do {
                try store.setStatus(.needsLogin(reason: reason), for: id)
            } catch {
                logger.error(
                    "cannot store needs-login", metadata: ["rotor.account": "\(id)", "rotor.error": "\(error)"])
            }
            throw TokenRefreshError.needsLogin(reason: reason)
        case .transient(let reason):
            logger.debug("token refresh failed", metadata: ["rotor.account": "\(id)", "rotor.reason": "\(reason)"])
            throw TokenRefreshError.transient(reason)
        }
    }

    /// The stored tokens of an account and when its access token expires.
    struct StoredTokens: Sendable {
        var credentials: AccountCredentials
        var expiresAt: Date?
    }

    private func readStored(_ id: AccountID) throws -> StoredTokens {
        let account: Account?
        let credentials: AccountCredentials?
        do {
            account = try store.account(id)
            credentials = try store.credentials(for: id)
        } catch {
            throw TokenRefreshError.transient("cannot read the account: \(error)")
        }
        guard let account, let credentials else {
            throw TokenRefreshError.transient("the account was removed")
        }
        if case .needsLogin(let reason) = account.status { throw TokenRefreshError.needsLogin(reason: reason) }
        return StoredTokens(
            credentials: credentials,
            expiresAt: Self.expiry(of: credentials.accessToken) ?? account.accessTokenExpiresAt
        )
    }

    /// Whether stored tokens serve as they are or must be refreshed first.
    enum Decision: Equatable {
        case useStored
        case refresh
    }

    /// After a 401, refresh only if the stored access token is the rejected one; otherwise refresh only if it expires
    /// within ``refreshMargin`` (an unknown expiry never does).
    static func decision(for stored: StoredTokens, trigger: Trigger?, now: Date) -> Decision {
        switch trigger {
        case .unauthorized(let rejected):
            return stored.credentials.accessToken == rejected ? .refresh : .useStored
        case .nearExpiry, nil:
            return TokenRenewal.isDue(expiresAt: stored.expiresAt, now: now) ? .refresh : .useStored
        }
    }

    static func expiry(of accessToken: String) -> Date? {
        (try? TokenClaims.decode(jwt: accessToken))?.expiresAt
    }

    /// The refresh grant exactly as Codex sends it (keys sorted: `client_id`, `grant_type`, `refresh_token`).
    private struct RefreshRequest: Encodable {
        var clientID = OAuthIssuer.clientID
        var grantType = "refresh_token"
        var refreshToken: String

        enum CodingKeys: String, CodingKey {
            case clientID = "client_id"
            case grantType = "grant_type"
            case refreshToken = "refresh_token"
        }
    }
}

extension TokenRefresher.Trigger: CustomStringConvertible {
    /// Redacted: the rejected token never prints.
    public var description: String {
        switch self {
        case .nearExpiry: "nearExpiry"
        case .unauthorized: "unauthorized(<redacted>)"
        }
    }
}
