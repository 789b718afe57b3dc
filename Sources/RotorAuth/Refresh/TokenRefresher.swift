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
/// are. A refresh is one `POST {issuer}/oauth/token` outside any database transaction, then one short, durable write
/// of the new tokens before anyone uses them.
///
/// Once the issuer has answered, the old refresh token is spent, so the answer is never dropped: a write that fails
/// is retried, still under the lock, for up to ``storeRetryBudget``; if the store stays unwritable the tokens go to a
/// recovery file (``TokenRecovery``) that the next store open, or the next refresh of the account, adopts. Either
/// way the caller gets the new tokens. A refresher never overwrites a login stored meanwhile by a re-login or an
/// import: the stored refresh token must still be the one it read. It never writes an account's status: a refused
/// login is reported (``TokenRefreshError/needsLogin(reason:refused:)``) for the caller to record.
public struct TokenRefresher: Sendable {
    /// Why a caller asks for credentials.
    public enum Trigger: Sendable, Equatable {
        /// The access token expires soon; refresh unless it no longer does. Same as passing `nil`.
        case nearExpiry
        /// The upstream answered 401 to this access token; refresh unless the stored token is another one.
        case unauthorized(rejectedAccessToken: String)
    }

    /// What one refresh sent to the issuer came to.
    public enum Outcome: Hashable, Sendable, CaseIterable {
        /// New tokens arrived.
        case refreshed
        /// The issuer refused the login: the account needs a new one.
        case needsLogin
        /// No usable answer (unreachable, an error, garbled): the login is kept and tried again later.
        case failed
    }

    /// Access tokens expiring within this span are refreshed ahead of time.
    public static let refreshMargin = Duration.seconds(TokenRenewal.margin)

    let store: AccountStore
    let directory: StateDirectory
    let issuer: OAuthIssuer
    let post: OAuthPost
    let logger: Logger
    let flights = RefreshFlights()
    /// Refresh tokens the issuer refused in this process: never sent again, even before the caller's needs-login
    /// reaches the store.
    let refused = RefusedTokens()
    /// How long to wait for another process's refresh of the same account before giving up for now.
    var lockWait = Duration.seconds(45)
    /// Paces the retries while another holder has the lock (tests observe the wait through it).
    var lockClock: any Clock<Duration> = ContinuousClock()
    /// How long a refreshed login's write is retried before its tokens go to a recovery file.
    var storeRetryBudget = Duration.seconds(30)
    /// Paces the write retries (tests drive it).
    var storeRetryClock: any Clock<Duration> = ContinuousClock()
    /// Told how each refresh sent to the issuer ended (never called for tokens handed out as stored); the proxy
    /// counts them. Does nothing by default.
    public var onRefresh: @Sendable (Outcome) -> Void = { _ in }

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

    /// Credentials to use now: refreshes under the per-account flock when needed.
    /// trigger nil = refresh only if the access token expires within 5 minutes.
    ///
    /// - Throws: ``TokenRefreshError``: `needsLogin` (the caller records it; a refused token is never sent again) or
    ///   `transient`.
    public func credentials(for id: AccountID, trigger: Trigger?, now: Date) async throws -> AccountCredentials {
        let stored = try readStored(id)
        guard Self.decision(for: stored, trigger: trigger, now: now) == .refresh else { return stored.credentials }
        return try await flights.credentials(for: id, trigger: trigger) {
            try await refreshUnderLock(id, trigger: trigger, now: now)
        }
    }

    private func refreshUnderLock(_ id: AccountID, trigger: Trigger?, now: Date) async throws -> AccountCredentials {
        do {
            return try await AccountLock.withLock(for: id, in: directory, maximumWait: lockWait, clock: lockClock) {
                try? TokenRecovery.adopt(for: id, into: store, in: directory)
                let stored = try readStoredPreferringRecovered(id)
                guard Self.decision(for: stored, trigger: trigger, now: now) == .refresh else {
                    logger.debug("tokens already refreshed elsewhere", metadata: ["rotor.account": "\(id)"])
                    return stored.credentials
                }
                return try await refresh(id, stored: stored, now: now)
            }
        } catch let error as AccountLockError {
            throw TokenRefreshError.transient(error.description)
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
        case .refreshed: onRefresh(.refreshed)
        case .revoked: onRefresh(.needsLogin)
        case .transient: onRefresh(.failed)
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
            // Not cancelled with the request: the old refresh token is spent, so this write must finish.
            let persisting = Task { await persist(credentials, expiresAt: expiresAt, for: id, stored: stored) }
            return await persisting.value
        case .revoked(let reason):
            // The stored token is spent as well when the refused one came from a recovery file.
            refused.insert(RefusedRefreshToken(stored.credentials.refreshToken), reason: reason)
            refused.insert(RefusedRefreshToken(stored.storedRefreshToken), reason: reason)
            // Recovered tokens the issuer refused are dead too: adopting them later would hide the needs-login.
            TokenRecovery.discard(for: id, in: directory)
            logger.warning(
                "account needs a new login", metadata: ["rotor.account": "\(id)", "rotor.reason": "\(reason)"])
            throw TokenRefreshError.needsLogin(reason: reason, refused: RefusedRefreshToken(stored.storedRefreshToken))
        case .transient(let reason):
            logger.debug("token refresh failed", metadata: ["rotor.account": "\(id)", "rotor.reason": "\(reason)"])
            throw TokenRefreshError.transient(reason)
        }
    }

    /// Stores refreshed tokens, retrying a failed write for up to ``storeRetryBudget``, then keeping them in a
    /// recovery file; returns the credentials the caller should use.
    private func persist(
        _ credentials: AccountCredentials,
        expiresAt: Date?,
        for id: AccountID,
        stored: StoredTokens
    ) async -> AccountCredentials {
        let written = await Self.retrying(for: storeRetryBudget, clock: storeRetryClock) { () -> AccountCredentials? in
            do {
                let replaced = try store.storeRefreshedCredentials(
                    credentials, accessTokenExpiresAt: expiresAt, for: id,
                    replacingRefreshToken: stored.storedRefreshToken)
                TokenRecovery.discard(for: id, in: directory)
                guard replaced else {
                    logger.notice(
                        "a new login was stored during the refresh; keeping it", metadata: ["rotor.account": "\(id)"])
                    return (try? readStored(id).credentials) ?? credentials
                }
                logger.debug("tokens refreshed", metadata: ["rotor.account": "\(id)"])
                return credentials
            } catch let error as StoreError where error.code == .accountNotFound {
                TokenRecovery.discard(for: id, in: directory)
                return credentials
            } catch {
                logger.warning(
                    "cannot store refreshed tokens; retrying",
                    metadata: ["rotor.account": "\(id)", "rotor.error": "\(error)"])
                return nil
            }
        }
        if let written { return written }
        do {
            let file = try TokenRecovery.save(credentials, accessTokenExpiresAt: expiresAt, for: id, in: directory)
            logger.error(
                """
                refreshed tokens could not be stored in the database; kept in a recovery file that the next rotor \
                command adopts (see runbooks/refresh-recovered.md)
                """,
                metadata: ["rotor.account": "\(id)", "rotor.file": "\(file.path(percentEncoded: false))"])
        } catch {
            logger.critical(
                """
                refreshed tokens could be neither stored nor kept in a recovery file; this process uses them until \
                it exits (see runbooks/refresh-recovered.md)
                """,
                metadata: ["rotor.account": "\(id)", "rotor.error": "\(error)"])
        }
        return credentials
    }

    /// Runs `attempt` until it returns a value, pausing 50 ms, doubling up to 2 s, between tries, for at most
    /// `budget`; `nil` when the budget ran out. A cancelled pause returns at once; the budget still bounds the loop.
    private static func retrying<Value>(
        for budget: Duration,
        clock: some Clock<Duration>,
        _ attempt: () -> Value?
    ) async -> Value? {
        let start = clock.now
        var pause = Duration.milliseconds(50)
        while true {
            if let value = attempt() { return value }
            guard start.duration(to: clock.now) + pause <= budget else { return nil }
            try? await clock.sleep(for: pause)
            pause = min(pause * 2, .seconds(2))
        }
    }

    /// The tokens of an account to use or refresh, when the access token expires, and the refresh token the store
    /// held when they were read (a later write replaces the login only if it still holds that one).
    struct StoredTokens: Sendable {
        var credentials: AccountCredentials
        var expiresAt: Date?
        var storedRefreshToken: String

        init(credentials: AccountCredentials, expiresAt: Date?, storedRefreshToken: String? = nil) {
            self.credentials = credentials
            self.expiresAt = expiresAt
            self.storedRefreshToken = storedRefreshToken ?? credentials.refreshToken
        }
    }

    /// The stored tokens, or the tokens of the account's recovery file when those are newer (the store could not
    /// take them yet, so the stored refresh token is spent).
    private func readStoredPreferringRecovered(_ id: AccountID) throws -> StoredTokens {
        let stored = try readStored(id)
        guard let (recovered, expiresAt) = TokenRecovery.pending(for: id, in: directory) else { return stored }
        let recency = LoginRecency(
            stored: stored.credentials, storedExpiresAt: stored.expiresAt,
            arriving: recovered, arrivingExpiresAt: expiresAt)
        guard recency == .arrivingIsNewer else { return stored }
        return StoredTokens(
            credentials: recovered, expiresAt: expiresAt, storedRefreshToken: stored.credentials.refreshToken)
    }

    private func readStored(_ id: AccountID) throws -> StoredTokens {
        let login: (account: Account, credentials: AccountCredentials)?
        do {
            login = try store.login(for: id)
        } catch {
            throw TokenRefreshError.transient("cannot read the account: \(error)")
        }
        guard let (account, credentials) = login else {
            throw TokenRefreshError.transient("the account was removed")
        }
        if case .needsLogin(let reason) = account.status {
            throw TokenRefreshError.needsLogin(reason: reason, refused: RefusedRefreshToken(credentials.refreshToken))
        }
        let token = RefusedRefreshToken(credentials.refreshToken)
        if let reason = refused.reason(for: token) { throw TokenRefreshError.needsLogin(reason: reason, refused: token) }
        // Every writer of an access token stores its expiry: decoding the token again is only for one without.
        return StoredTokens(
            credentials: credentials,
            expiresAt: account.accessTokenExpiresAt ?? Self.expiry(of: credentials.accessToken)
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
