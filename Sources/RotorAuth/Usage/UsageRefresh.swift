import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import RotorCore
import RotorStore

/// Asks the backend for accounts' current usage without spending a model request, as Codex's `/status` does, and
/// stores what it reports like any other snapshot (so it joins the usage history).
///
/// For each account: its credentials come from the ``TokenRefresher`` (an access token that expires within the
/// refresher's margin is refreshed first, under its lock and rules); then `GET <origin>/backend-api/wham/usage`
/// with the account's bearer token, `chatgpt-account-id`, and Codex's `originator` and user agent. A 403 or 404
/// there is asked once more at `<origin>/backend-api/codex/usage`. A 401 refreshes the token once through the
/// refresher (unless another process already has) and asks again; a second 401 is reported, and the account's
/// status is left to the proxy, which learns the same on its next request. At most
/// ``maximumConcurrentAccounts`` accounts are asked at once, each within ``accountDeadline``.
public struct UsageRefresh: Sendable {
    /// The most accounts asked at once.
    public static let maximumConcurrentAccounts = 4
    /// How long one account may take, token refresh included.
    public static let accountDeadline = Duration.seconds(10)
    /// The usage endpoint Codex reads.
    public static let endpointPath = "/backend-api/wham/usage"
    /// The endpoint asked once when the first answers 403 or 404.
    public static let fallbackPath = "/backend-api/codex/usage"
    /// Answers larger than this are refused: a usage answer is well under a kilobyte.
    static let maximumAnswerBytes = 1 << 20

    let store: AccountStore
    let refresher: TokenRefresher
    let httpClient: HTTPClient
    /// `scheme://host[:port]` of the upstream, without a trailing slash.
    let origin: String
    let logger: Logger
    /// How long one account may take (tests shorten it).
    var deadline = accountDeadline
    /// How many accounts are asked at once.
    var concurrency = maximumConcurrentAccounts

    /// A refresh that asks the origin of `upstreamURL` (`ROTOR_UPSTREAM_URL`, by default
    /// `https://chatgpt.com/backend-api/codex`) over `httpClient`, takes credentials from `refresher` and stores the
    /// results in `store`.
    public init(
        store: AccountStore,
        refresher: TokenRefresher,
        httpClient: HTTPClient,
        upstreamURL: URL,
        logger: Logger
    ) {
        self.store = store
        self.refresher = refresher
        self.httpClient = httpClient
        self.origin = Self.origin(of: upstreamURL)
        self.logger = logger
    }

    /// Asks for the usage of every account in `accounts`, at most ``maximumConcurrentAccounts`` at a time, and
    /// returns how each ended. Never throws: a failure is that account's ``UsageRefreshResult/failed(reason:)``.
    public func refresh(_ accounts: [Account]) async -> [AccountID: UsageRefreshResult] {
        await withTaskGroup(of: (AccountID, UsageRefreshResult).self) { group in
            var waiting = accounts[...]
            var results: [AccountID: UsageRefreshResult] = [:]
            for _ in 0..<concurrency {
                guard let account = waiting.popFirst() else { break }
                group.addTask { (account.id, await refreshOne(account)) }
            }
            for await (id, result) in group {
                results[id] = result
                if let account = waiting.popFirst() {
                    group.addTask { (account.id, await refreshOne(account)) }
                }
            }
            return results
        }
    }

    /// One account's refresh within ``deadline``.
    func refreshOne(_ account: Account) async -> UsageRefreshResult {
        do {
            let until = NIODeadline.now() + TimeAmount(deadline)
            return try await TimeLimit.run(deadline) { await ask(for: account, until: until) }
        } catch is TimeLimit.Exceeded {
            return timedOut
        } catch {
            return .failed(reason: "cancelled")
        }
    }

    private var timedOut: UsageRefreshResult {
        .failed(reason: "timed out after \(Self.seconds(deadline)) s")
    }

    /// Credentials, then the endpoint (its fallback after a 403 or 404; once more after a 401 and a refresh).
    private func ask(for account: Account, until: NIODeadline) async -> UsageRefreshResult {
        var credentials: AccountCredentials
        do {
            credentials = try await refresher.credentials(for: account.id, trigger: nil, now: Date())
        } catch {
            return failed(account, credentials: error)
        }
        var path = Self.endpointPath
        var refused: Int?
        var refreshedAfterUnauthorized = false
        // Each pass that does not return takes one of two one-way turns (the fallback, the refresh), so there are at
        // most three.
        while true {
            let answer: (status: Int, body: [UInt8])
            do {
                answer = try await get(path, credentials: credentials, account: account, until: until)
            } catch let error as HTTPClientError where error == .deadlineExceeded {
                // The request's own deadline is the account's: whichever fires first, it is the same timeout.
                return timedOut
            } catch {
                return .failed(reason: "cannot reach the usage endpoint: \(OAuthPost.reason(for: error))")
            }
            switch answer.status {
            case 200..<300:
                return stored(answer.body, for: account)
            case 401 where !refreshedAfterUnauthorized:
                refreshedAfterUnauthorized = true
                do {
                    let trigger = TokenRefresher.Trigger.unauthorized(rejectedAccessToken: credentials.accessToken)
                    credentials = try await refresher.credentials(for: account.id, trigger: trigger, now: Date())
                } catch {
                    return failed(account, credentials: error)
                }
            case 403 where refused == nil, 404 where refused == nil:
                refused = answer.status
                path = Self.fallbackPath
            case 401:
                return .failed(reason: "usage endpoint refused the login (401) after a token refresh; if the account "
                    + "fails in `rotor run` too, log it in again with `rotor accounts add`")
            default:
                let first = refused.map { "\($0), its fallback " } ?? ""
                return .failed(reason: "usage endpoint answered \(first)\(answer.status)")
            }
        }
    }

    /// The endpoint's answer, parsed and stored.
    private func stored(_ body: [UInt8], for account: Account) -> UsageRefreshResult {
        let report: UsageEndpointReport
        do {
            report = try UsageEndpointReport(json: body, observedAt: Date())
        } catch {
            return .failed(reason: error.description)
        }
        do {
            try store.recordUsage(report.usage, plan: report.plan, for: account.id)
        } catch let error as StoreError where error.code == .accountNotFound {
            return .failed(reason: "the account was removed")
        } catch {
            // The numbers are still this moment's: show them; the next refresh or request stores them again.
            logger.warning(
                "cannot store refreshed usage",
                metadata: ["rotor.account": "\(account.id.shortID)", "rotor.error": "\(error)"])
        }
        return .refreshed(report.usage)
    }

    /// Why the refresher gave no credentials; a refused login is recorded as the proxy records it.
    private func failed(_ account: Account, credentials error: any Error) -> UsageRefreshResult {
        guard let error = error as? TokenRefreshError else {
            return .failed(reason: "cannot read the account's tokens: \(error)")
        }
        if case .needsLogin(let reason, let refused) = error {
            do {
                try store.markNeedsLogin(reason: reason, for: account.id, refused: refused)
            } catch {
                logger.warning(
                    "cannot record that the account needs a login",
                    metadata: ["rotor.account": "\(account.id.shortID)", "rotor.error": "\(error)"])
            }
        }
        return .failed(reason: error.description)
    }

    private func get(
        _ path: String,
        credentials: AccountCredentials,
        account: Account,
        until: NIODeadline
    ) async throws -> (status: Int, body: [UInt8]) {
        var request = HTTPClientRequest(url: origin + path)
        request.method = .GET
        request.headers.add(name: "authorization", value: "Bearer \(credentials.accessToken)")
        request.headers.add(name: "chatgpt-account-id", value: account.chatgptAccountID)
        request.headers.add(name: "originator", value: CodexClient.originator)
        request.headers.add(name: "user-agent", value: CodexClient.userAgent)
        request.headers.add(name: "accept", value: "application/json")
        let response = try await httpClient.execute(request, deadline: until, logger: logger)
        let body = try await response.body.collect(upTo: Self.maximumAnswerBytes)
        return (Int(response.status.code), Array(body.readableBytesView))
    }

    /// `scheme://host[:port]` of `url`: its path, query and credentials dropped.
    static func origin(of url: URL) -> String {
        guard var components = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return "" }
        components.path = ""
        components.query = nil
        components.fragment = nil
        components.user = nil
        components.password = nil
        return components.string ?? ""
    }

    /// A duration in seconds as people write it: `10`, `0.2`.
    static func seconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let value = Double(seconds) + Double(attoseconds) * 1e-18
        return value == value.rounded() ? "\(Int(value))" : "\((value * 1000).rounded() / 1000)"
    }
}
