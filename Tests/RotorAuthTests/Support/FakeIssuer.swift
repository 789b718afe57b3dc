import Foundation
import HTTPTypes
import Hummingbird
import Logging
import RotorTestSupport
import Synchronization

@testable import RotorAuth

/// A fake OpenAI issuer on 127.0.0.1: the token endpoint (code exchange, and refresh with single-use refresh tokens
/// that revoke the account on reuse, as the real server does) and the device-code endpoints.
///
/// The authorize endpoint is the test itself, acting as the browser: ``authorize(_:identity:)`` checks the URL and
/// issues a code bound to its challenge and redirect URI.
final class FakeIssuer: Sendable {
    struct Identity: Sendable {
        var email = "a@example.com"
        var accountID = "acct-A"
        var plan: String? = "plus"
    }

    /// A scripted HTTP answer.
    struct Answer: Sendable {
        var status: Int
        var body: String
        var retryAfter: String? = nil
    }

    /// What the refresh answer leaves out, to test that old values are kept.
    struct Omissions: Sendable {
        var idToken = false
        var refreshToken = false
    }

    struct Grant {
        var challenge: String
        var redirectURI: String
        var identity: Identity
    }

    struct RefreshAccount {
        var identity: Identity
        var currentRefreshToken: String
        var usedRefreshTokens: Set<String> = []
        var revoked = false
        var serial = 0
    }

    struct State {
        var grants: [String: Grant] = [:]
        var exchangeFailure: Answer?
        var exchangeRequests: [[String: String]] = []
        var refreshAccounts: [String: RefreshAccount] = [:]
        var refreshRequests: [[String: String]] = []
        var refreshFailure: Answer?
        var omissions = Omissions()
        var userCodeAnswer = Answer(
            status: 200, body: #"{"device_auth_id":"dev-1","user_code":"ABCD-EFGH","interval":"5"}"#)
        var pollAnswers: [Answer] = []
        var pollRequests: [[String: String]] = []
        var deviceApproval: (pkce: PKCE, identity: Identity)?
        var issuerURL = ""
        var nextCode = 0
    }

    let state = Mutex(State())
    /// Opened by the test to let held refresh answers go; `nil` answers at once.
    let refreshGate: Gate?
    /// How long each refresh answer takes (a slow issuer).
    let refreshDelay: Duration
    /// Reports each refresh request as it arrives.
    let refreshArrivals: AsyncStream<Void>
    private let refreshArrivalsContinuation: AsyncStream<Void>.Continuation

    init(holdingRefreshes: Bool = false, refreshDelay: Duration = .zero) {
        refreshGate = holdingRefreshes ? Gate() : nil
        self.refreshDelay = refreshDelay
        (refreshArrivals, refreshArrivalsContinuation) = AsyncStream.makeStream(of: Void.self)
    }

    /// Runs `body` while the fake listens on a free port of 127.0.0.1.
    @discardableResult
    func run<T>(_ body: (OAuthIssuer) async throws -> T) async throws -> T {
        let logger = Logger(label: "fake-issuer") { _ in SwiftLogNoOpLogHandler() }
        return try await LoopbackServer.withServer(
            router().buildResponder(), host: "127.0.0.1", port: 0, logger: logger
        ) {
            let url = "http://127.0.0.1:\($0)"
            state.withLock { $0.issuerURL = url }
            return try await body(OAuthIssuer(url: URL(string: url)!))
        }
    }

    // MARK: The test as browser

    /// Checks the authorize URL as the real issuer would and issues a code for `identity`.
    func authorize(_ url: URL, identity: Identity = Identity()) -> (code: String, state: String, redirectURI: String) {
        let query = Dictionary(
            FormURLEncoding.decode(Substring(url.query(percentEncoded: true) ?? "")), uniquingKeysWith: { a, _ in a })
        let challenge = query["code_challenge"] ?? ""
        let redirectURI = query["redirect_uri"] ?? ""
        let code = state.withLock { state in
            state.nextCode += 1
            let code = "code-\(state.nextCode)"
            state.grants[code] = Grant(challenge: challenge, redirectURI: redirectURI, identity: identity)
            return code
        }
        return (code, query["state"] ?? "", redirectURI)
    }

    /// Stores an account whose refresh token is `refreshToken`, as if it had logged in.
    func register(refreshToken: String, identity: Identity) {
        state.withLock {
            $0.refreshAccounts[identity.accountID] = RefreshAccount(
                identity: identity, currentRefreshToken: refreshToken)
        }
    }

    /// Approves the device login: the next poll answers with a code for `identity`.
    func approveDevice(identity: Identity = Identity()) {
        var rng = SystemRandomNumberGenerator()
        let pkce = PKCE.generate(using: &rng)
        state.withLock { $0.deviceApproval = (pkce, identity) }
    }

    var refreshCount: Int { state.withLock { $0.refreshRequests.count } }

    // MARK: Endpoints

    private func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.post("/oauth/token") { request, _ -> Response in
            var request = request
            let body = try await request.collectBody(upTo: 1 << 20)
            let text = String(buffer: body)
            if request.headers[.contentType] == "application/json" {
                self.refreshArrivalsContinuation.yield()
                if let refreshGate = self.refreshGate { await refreshGate.wait() }
                try await Task.sleep(for: self.refreshDelay)
                return self.refresh(Self.json(text))
            }
            return self.exchange(Dictionary(FormURLEncoding.decode(Substring(text)), uniquingKeysWith: { a, _ in a }))
        }
        router.post("/api/accounts/deviceauth/usercode") { request, _ -> Response in
            var request = request
            _ = try await request.collectBody(upTo: 1 << 20)
            return Self.response(self.state.withLock { $0.userCodeAnswer })
        }
        router.post("/api/accounts/deviceauth/token") { request, _ -> Response in
            var request = request
            let body = try await request.collectBody(upTo: 1 << 20)
            return self.poll(Self.json(String(buffer: body)))
        }
        return router
    }

    private func exchange(_ form: [String: String]) -> Response {
        let answer: Answer = state.withLock { state in
            state.exchangeRequests.append(form)
            if let failure = state.exchangeFailure { return failure }
            guard form["grant_type"] == "authorization_code", form["client_id"] == OAuthIssuer.clientID,
                let code = form["code"], let grant = state.grants.removeValue(forKey: code),
                let verifier = form["code_verifier"], PKCE.challenge(for: verifier) == grant.challenge,
                form["redirect_uri"] == grant.redirectURI
            else {
                return Answer(status: 400, body: #"{"error":"invalid_grant"}"#)
            }
            return Answer(status: 200, body: Self.tokens(for: grant.identity, serial: 0, refreshToken: "rt-\(code)"))
        }
        return Self.response(answer)
    }

    private func refresh(_ body: [String: String]) -> Response {
        let answer: Answer = state.withLock { state in
            state.refreshRequests.append(body)
            if let failure = state.refreshFailure { return failure }
            guard body["client_id"] == OAuthIssuer.clientID, body["grant_type"] == "refresh_token",
                let token = body["refresh_token"]
            else {
                return Answer(status: 400, body: #"{"error":"invalid_request"}"#)
            }
            guard
                let key = state.refreshAccounts.first(where: {
                    $0.value.currentRefreshToken == token || $0.value.usedRefreshTokens.contains(token)
                })?.key, var account = state.refreshAccounts[key]
            else {
                return Answer(status: 400, body: #"{"error":"invalid_grant"}"#)
            }
            defer { state.refreshAccounts[key] = account }
            if account.revoked {
                return Answer(status: 401, body: #"{"error":{"code":"refresh_token_invalidated"}}"#)
            }
            if account.usedRefreshTokens.contains(token) {
                account.revoked = true
                return Answer(status: 400, body: #"{"error":{"code":"refresh_token_reused"}}"#)
            }
            account.serial += 1
            var newRefreshToken: String?
            if !state.omissions.refreshToken {
                account.usedRefreshTokens.insert(token)
                account.currentRefreshToken = "rt-\(key)-\(account.serial)"
                newRefreshToken = account.currentRefreshToken
            }
            var tokens: [String: String] = [
                "access_token": Self.accessToken(for: account.identity, serial: account.serial)
            ]
            if let newRefreshToken { tokens["refresh_token"] = newRefreshToken }
            if !state.omissions.idToken {
                tokens["id_token"] = Self.idToken(for: account.identity, serial: account.serial)
            }
            return Answer(status: 200, body: Self.encode(tokens))
        }
        return Self.response(answer)
    }

    private func poll(_ body: [String: String]) -> Response {
        let answer: Answer = state.withLock { state in
            state.pollRequests.append(body)
            if !state.pollAnswers.isEmpty { return state.pollAnswers.removeFirst() }
            guard let approval = state.deviceApproval else {
                return Answer(status: 403, body: #"{"error":"authorization_pending"}"#)
            }
            state.nextCode += 1
            let code = "device-code-\(state.nextCode)"
            state.grants[code] = Grant(
                challenge: approval.pkce.challenge,
                redirectURI: state.issuerURL + "/deviceauth/callback",
                identity: approval.identity
            )
            return Answer(
                status: 200,
                body: Self.encode([
                    "authorization_code": code,
                    "code_challenge": approval.pkce.challenge,
                    "code_verifier": approval.pkce.verifier,
                ])
            )
        }
        return Self.response(answer)
    }

    // MARK: Tokens

    static let expiry = Date(timeIntervalSince1970: 4_000_000_000)

    static func idToken(for identity: Identity, serial: Int) -> String {
        TestJWT.make(
            email: identity.email, accountID: identity.accountID, plan: identity.plan, expiresAt: expiry, serial: serial
        )
    }

    static func accessToken(for identity: Identity, serial: Int) -> String {
        TestJWT.make(
            email: nil, accountID: identity.accountID, plan: nil, expiresAt: expiry.addingTimeInterval(Double(serial)),
            serial: serial)
    }

    static func tokens(for identity: Identity, serial: Int, refreshToken: String) -> String {
        encode([
            "id_token": idToken(for: identity, serial: serial),
            "access_token": accessToken(for: identity, serial: serial),
            "refresh_token": refreshToken,
            "expires_in": "3600",
        ])
    }

    static func encode(_ object: [String: String]) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    static func json(_ text: String) -> [String: String] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: String] ?? [:]
    }

    static func response(_ answer: Answer) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        if let retryAfter = answer.retryAfter { headers[.retryAfter] = retryAfter }
        return Response(
            status: HTTPResponse.Status(code: answer.status),
            headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(string: answer.body))
        )
    }
}
