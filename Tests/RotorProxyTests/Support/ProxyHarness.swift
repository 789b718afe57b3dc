import AsyncHTTPClient
import Foundation
import HTTPTypes
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import RotorAuth
import RotorCore
import RotorProxy
import RotorTestSupport
import Synchronization

/// Accounts kept in memory, so proxy tests need no database. Routing's effects on the accounts are applied the
/// way the store applies them; bindings and decision rows are not kept (the failover tests use the real store).
struct FakeAccounts: AccountSource {
    /// The accounts as they start.
    var list: [Account]
    var tokens: [AccountID: AccountCredentials]
    /// The accounts once routing changed them; `nil` until then.
    private let changed = ChangedAccounts()

    private final class ChangedAccounts: Sendable {
        let accounts = Mutex<[Account]?>(nil)
    }

    init(list: [Account], tokens: [AccountID: AccountCredentials]) {
        self.list = list
        self.tokens = tokens
    }

    func accounts() throws -> [Account] { changed.accounts.withLock { $0 } ?? list }

    func credentials(for id: AccountID) throws -> AccountCredentials? { tokens[id] }

    func usableCredentials(for id: AccountID, rejectedAccessToken: String?, now: Date) async throws -> AccountCredentials {
        guard let credentials = tokens[id] else {
            throw TokenRefreshError.needsLogin(reason: "no tokens", refused: RefusedRefreshToken("none"))
        }
        return credentials
    }

    /// Every turn state counts as minted by the first account (so a test's echoed turn state is forwarded to it);
    /// conversations are unbound.
    func boundAccount(forConversation key: String, now: Date) throws -> AccountID? {
        key.hasPrefix("turn-state:") ? list.first?.id : nil
    }

    func record(_ effects: [RequestRouting.Effect], decisions: [DecisionRecord], now: Date) throws {
        changed.accounts.withLock { changed in
            var accounts = changed ?? list
            var generator = SystemRandomNumberGenerator()
            RequestRouting.apply(effects, to: &accounts, now: now, using: &generator)
            changed = accounts
        }
    }

    /// One ready account `acct-A` with access token `at-A`.
    static var one: FakeAccounts { FakeAccounts.make(["A"]) }

    /// Ready accounts `acct-X` with access tokens `at-X`, one per name, oldest first.
    static func make(_ names: [String]) -> FakeAccounts {
        var list: [Account] = []
        var tokens: [AccountID: AccountCredentials] = [:]
        for (index, name) in names.enumerated() {
            let id = AccountID(UUID(uuidString: String(format: "%08X-0000-4000-8000-000000000000", index + 10))!)
            list.append(
                Account(
                    id: id,
                    label: "\(name.lowercased())@example.com",
                    email: "\(name.lowercased())@example.com",
                    chatgptAccountID: "acct-\(name)",
                    createdAt: Date(timeIntervalSince1970: Double(1_000 + index))
                )
            )
            tokens[id] = AccountCredentials(idToken: "id-\(name)", accessToken: "at-\(name)", refreshToken: "rt-\(name)")
        }
        return FakeAccounts(list: list, tokens: tokens)
    }
}

/// A running proxy under test and a client to talk to it.
struct ProxyUnderTest: Sendable {
    let endpoint: ProxyEndpoint
    let secret: ProxySecret
    let client: HTTPClient

    var port: Int { endpoint.port }

    /// A request to `path` carrying the secret and the right Host.
    func request(_ path: String = "/v1/responses", body: String? = nil, headers: [(String, String)] = []) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = .POST
        request.headers.add(name: "authorization", value: "Bearer \(secret.text)")
        request.headers.add(name: "content-type", value: "application/json")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        return request
    }

    /// Sends `request` and reads the whole answer.
    func send(_ request: HTTPClientRequest) async throws -> (status: Int, headers: HTTPHeaders, body: String) {
        let response = try await client.execute(request, timeout: .seconds(20))
        let body = try await response.body.collect(upTo: 64 << 20)
        return (Int(response.status.code), response.headers, String(buffer: body))
    }
}

/// Runs the proxy against `upstreamURL` for the duration of `body`, configured by the `ROTOR_*` variables of
/// `environment` as a user's would be, then by `configure`.
func withProxy<T: Sendable>(
    upstreamURL: URL,
    accounts: FakeAccounts = .one,
    environment: [String: String] = [:],
    configure: (inout ProxyConfiguration) -> Void = { _ in },
    _ body: (ProxyUnderTest) async throws -> T
) async throws -> T {
    var configuration = try ProxyConfiguration.fromEnvironment(environment, secret: ProxySecret.generate())
    configuration.upstreamURL = upstreamURL
    configuration.timeouts = UpstreamTimeouts(connect: .seconds(5), header: .seconds(10), idle: .seconds(10))
    configure(&configuration)
    return try await withTestClient { logger, client in
        try await withRotationProxy(configuration, accounts: accounts, logger: logger) { endpoint in
            try await body(ProxyUnderTest(endpoint: endpoint, secret: configuration.secret, client: client))
        }
    }
}

/// Runs `body` with a quiet logger for the proxy and an HTTP client for the test, shut down afterwards whatever
/// happens.
func withTestClient<T: Sendable>(_ body: (Logger, HTTPClient) async throws -> T) async throws -> T {
    var logger = Logger(label: "rotor-test")
    logger.logLevel = .critical
    let client = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
    do {
        let result = try await body(logger, client)
        try await client.shutdown()
        return result
    } catch {
        try? await client.shutdown()
        throw error
    }
}
