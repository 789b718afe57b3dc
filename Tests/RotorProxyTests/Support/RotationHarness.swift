import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import RotorAuth
import RotorCore
import RotorProxy
import RotorStore
import RotorTestSupport
import Synchronization

/// A state directory with a real store holding accounts `A`, `B`, … (chatgpt id `acct-X`, access token `at-X-0`,
/// refresh token `rt-X-0`), removed when the test ends.
struct RotationWorld: Sendable {
    let directory: StateDirectory
    let store: AccountStore
    let ids: [String: AccountID]

    static func with<T: Sendable>(
        _ names: [String],
        configuration: AccountStore.Configuration = .default,
        _ body: (RotationWorld) async throws -> T
    ) async throws -> T {
        let temporary = try TemporaryDirectory(prefix: "rotor-rotation")
        defer { temporary.remove() }
        let directory = StateDirectory(url: temporary.appending("state"))
        let store = try AccountStore(directory: directory, configuration: configuration)
        var ids: [String: AccountID] = [:]
        for name in names {
            let login = AccountLogin(
                email: "\(name.lowercased())@example.com",
                chatgptAccountID: "acct-\(name)",
                plan: "plus",
                credentials: AccountCredentials(
                    idToken: "id-\(name)", accessToken: "at-\(name)-0", refreshToken: "rt-\(name)-0"),
                accessTokenExpiresAt: Date().addingTimeInterval(3600)
            )
            ids[name] = try store.saveLogin(login).account.id
        }
        return try await body(RotationWorld(directory: directory, store: store, ids: ids))
    }

    func id(_ name: String) -> AccountID { ids[name]! }

    /// The same state directory opened by a store of its own (its own connections, its own lock descriptors), as
    /// another rotor process opens it.
    func reopened() throws -> RotationWorld {
        RotationWorld(directory: directory, store: try AccountStore(directory: directory), ids: ids)
    }

    func account(_ name: String) throws -> Account { try store.account(id(name))! }

    /// Makes `names` recently used, in order (the last one most recently), so that selection, which prefers the
    /// least recently used account, tries the accounts not named first.
    func markRecentlyUsed(_ names: String...) throws {
        try markRecentlyUsed(names)
    }

    /// Makes `names` recently used, in order (the last one most recently).
    func markRecentlyUsed(_ names: [String]) throws {
        for (index, name) in names.enumerated() {
            try store.recordSuccess(for: id(name), at: Date().addingTimeInterval(Double(index - names.count)))
        }
    }
}

/// Runs the proxy over `world`'s store (with real token refresh at `upstream`'s `/oauth/token`).
///
/// With `willAttempt`, the proxy runs without the background token renewal and calls it with the account it is
/// about to send on before each attempt (see ``AttemptObservingAccounts``).
func withStoreProxy<T: Sendable>(
    world: RotationWorld,
    upstream: FakeUpstream,
    configure: (inout ProxyConfiguration) -> Void = { _ in },
    willAttempt: (@Sendable (AccountID) async throws -> Void)? = nil,
    _ body: (ProxyUnderTest) async throws -> T
) async throws -> T {
    var configuration = ProxyConfiguration(secret: ProxySecret.generate(), upstreamURL: upstream.baseURL)
    configuration.timeouts = UpstreamTimeouts(connect: .seconds(5), header: .seconds(10), idle: .seconds(10))
    configuration.issuer = OAuthIssuer(url: URL(string: "http://127.0.0.1:\(upstream.port)")!)
    configuration.maxWait = .zero
    configure(&configuration)
    return try await withTestClient { logger, client in
        guard let willAttempt else {
            return try await withRotationProxy(configuration, store: world.store, directory: world.directory,
                                               logger: logger) {
                try await body(ProxyUnderTest(endpoint: $0, secret: configuration.secret, client: client))
            }
        }
        let refresher = TokenRefresher(store: world.store, directory: world.directory, issuer: configuration.issuer,
                                       httpClient: client, logger: logger)
        let accounts = AttemptObservingAccounts(store: world.store, refresher: refresher, willAttempt: willAttempt)
        return try await withRotationProxy(configuration, accounts: accounts, logger: logger) {
            try await body(ProxyUnderTest(endpoint: $0, secret: configuration.secret, client: client))
        }
    }
}

/// Runs one proxy per world (the first world's proxy outermost) and `body` with all of them.
func withStoreProxies<T: Sendable>(
    worlds: ArraySlice<RotationWorld>,
    upstream: FakeUpstream,
    running: [ProxyUnderTest] = [],
    _ body: ([ProxyUnderTest]) async throws -> T
) async throws -> T {
    guard let world = worlds.first else { return try await body(running) }
    return try await withStoreProxy(world: world, upstream: upstream) { proxy in
        try await withStoreProxies(worlds: worlds.dropFirst(), upstream: upstream, running: running + [proxy], body)
    }
}

/// A fake token endpoint that enforces single-use refresh tokens: each refresh token works once and yields the next
/// generation (`rt-X-1`, `at-X-1`, …); reusing one revokes the account's login for good.
final class TokenEndpoint: Sendable {
    private struct State {
        var current: [String: Int] = [:]  // account name → current generation
        var revoked: Set<String> = []
        var calls = 0
    }

    private let state = Mutex(State())

    var calls: Int { state.withLock { $0.calls } }

    /// Answers `POST /oauth/token`.
    func answer(_ request: RecordedRequest) -> Response {
        struct Grant: Decodable { var refresh_token: String }
        guard let grant = try? JSONDecoder().decode(Grant.self, from: Data(request.body)) else {
            return Self.json(.badRequest, #"{"error":"invalid_request"}"#)
        }
        let parts = grant.refresh_token.split(separator: "-")  // rt-X-N
        guard parts.count == 3, let generation = Int(parts[2]) else {
            return Self.json(.badRequest, #"{"error":"invalid_grant"}"#)
        }
        let name = String(parts[1])
        return state.withLock { state in
            state.calls += 1
            if state.revoked.contains(name) {
                return Self.json(.unauthorized, #"{"error":{"code":"refresh_token_invalidated"}}"#)
            }
            let current = state.current[name, default: 0]
            guard generation == current else {
                state.revoked.insert(name)
                return Self.json(.unauthorized, #"{"error":{"code":"refresh_token_reused"}}"#)
            }
            state.current[name] = current + 1
            let next = current + 1
            return Self.json(.ok, #"{"access_token":"at-\#(name)-\#(next)","refresh_token":"rt-\#(name)-\#(next)"}"#)
        }
    }

    /// A fake upstream that refuses `at-A-0` with a 401, serves every other token, and refreshes at `/oauth/token`.
    var rejectingFirstAccessToken: FakeUpstream.Handler {
        { request in
            if request.path == "/oauth/token" { return self.answer(request) }
            return request.bearer == "at-A-0"
                ? Self.json(.unauthorized, #"{"error":{"message":"expired"}}"#) : SSE.response(SSE.okStream)
        }
    }

    /// Revokes `name`'s login (its next refresh is refused).
    func revoke(_ name: String) {
        state.withLock { _ = $0.revoked.insert(name) }
    }

    static func json(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(status: status, headers: [.contentType: "application/json"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}

extension RecordedRequest {
    /// The account the request was sent on (`chatgpt-account-id` without `acct-`).
    var accountName: String? {
        header("chatgpt-account-id").map { String($0.dropFirst("acct-".count)) }
    }

    /// The bearer token the request carried.
    var bearer: String? {
        header("authorization").map { String($0.dropFirst("Bearer ".count)) }
    }
}

/// A create-response body for conversation `conversation` (none when `nil`).
func responsesBody(conversation: String? = "conv-1", input: String = "[]") -> String {
    let key = conversation.map { #","prompt_cache_key":"\#($0)""# } ?? ""
    return #"{"model":"gpt-test","input":\#(input),"stream":true,"store":false,"include":["reasoning.encrypted_content"]\#(key)}"#
}

/// A usage-limit 429 resetting at `resetsAt`.
func usageLimitResponse(resetsAt: Int) -> Response {
    TokenEndpoint.json(
        .tooManyRequests,
        #"{"error":{"type":"usage_limit_reached","message":"You've hit your usage limit.","plan_type":"plus","resets_at":\#(resetsAt)}}"#
    )
}

/// Sends one request through each of `proxies` at once (conversation `c<index>`) and returns the statuses.
func sendConcurrently(through proxies: [ProxyUnderTest]) async throws -> [Int] {
    try await withThrowingTaskGroup(of: Int.self) { group in
        for (index, proxy) in proxies.enumerated() {
            group.addTask {
                try await proxy.send(proxy.request(body: responsesBody(conversation: "c\(index)"))).status
            }
        }
        return try await group.reduce(into: []) { $0.append($1) }
    }
}
