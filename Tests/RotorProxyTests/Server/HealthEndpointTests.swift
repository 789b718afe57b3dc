import AsyncHTTPClient
import Foundation
import NIOHTTP1
import RotorCore
import RotorProxy
import RotorTestSupport
import Testing

/// `GET /healthz` on a live proxy: its status and counts from the accounts as routing reads them.
@Suite(.timeLimit(.minutes(1)))
struct HealthEndpointTests {
    /// Accounts `A`, `B`, `C`, … as `change` leaves them.
    static func accounts(_ names: [String], _ change: (inout [Account]) -> Void = { _ in }) -> FakeAccounts {
        var accounts = FakeAccounts.make(names)
        change(&accounts.list)
        return accounts
    }

    /// Runs a proxy over `accounts` whose time is `clock`.
    func withHealthProxy(
        _ accounts: FakeAccounts,
        clock: TestClock = TestClock(),
        configure: @escaping (inout ProxyConfiguration) -> Void = { _ in },
        _ body: @escaping @Sendable (ProxyUnderTest, TestClock) async throws -> Void
    ) async throws {
        try await FakeUpstream.run(handler: { _ in SSE.response(SSE.okStream) }) { upstream in
            try await withProxy(upstreamURL: upstream.baseURL, accounts: accounts, configure: {
                $0.time = TimeSource(now: { clock.date }, clock: clock)
                configure(&$0)
            }) { proxy in
                try await body(proxy, clock)
            }
            #expect(upstream.log.all.isEmpty, "a health check sends nothing upstream")
        }
    }

    static func cooling(_ account: inout Account, clock: TestClock) {
        account.cooldown = Cooldown(until: clock.date.addingTimeInterval(60), reason: .rateLimit)
    }

    /// Every account that is not disabled is ready: 200 healthy, the counts per state, the uptime from the proxy's
    /// own time source.
    @Test func healthyWhenEveryAccountThatIsNotDisabledIsReady() async throws {
        let accounts = Self.accounts(["A", "B", "C"]) { $0[2].status = .disabled(reason: "by the user") }
        try await withHealthProxy(accounts) { proxy, clock in
            clock.advance(by: .seconds(90))
            let answer = try await proxy.send(proxy.get("/healthz"))
            #expect(answer.status == 200)
            #expect(answer.headers["content-type"].first == "application/json")
            #expect(answer.body
                == #"{"accounts":{"cooling":0,"disabled":1,"needs_login":0,"ready":2,"reserved":0},"status":"healthy","uptime_s":90}"#)
        }
    }

    /// Some accounts out (cooling, or needing a login) while another is ready: 200 degraded.
    @Test func degradedWhileSomeAccountsAreOut() async throws {
        let clock = TestClock()
        let accounts = Self.accounts(["A", "B", "C"]) {
            Self.cooling(&$0[0], clock: clock)
            $0[1].status = .needsLogin(reason: "revoked")
        }
        try await withHealthProxy(accounts, clock: clock) {
            proxy, _ in
            let answer = try await proxy.send(proxy.get("/healthz"))
            #expect(answer.status == 200)
            #expect(answer.body
                == #"{"accounts":{"cooling":1,"disabled":0,"needs_login":1,"ready":1,"reserved":0},"status":"degraded","uptime_s":0}"#)
        }
    }

    /// No account can serve: 503 unhealthy; once the cooldown has passed, healthy again without any request.
    @Test func unhealthyWhenNoAccountCanServe() async throws {
        let clock = TestClock()
        let accounts = Self.accounts(["A", "B"]) {
            Self.cooling(&$0[0], clock: clock)
            $0[1].status = .disabled(reason: "deactivated")
        }
        try await withHealthProxy(accounts, clock: clock) {
            proxy, _ in
            let answer = try await proxy.send(proxy.get("/healthz"))
            #expect(answer.status == 503)
            #expect(answer.body
                == #"{"accounts":{"cooling":1,"disabled":1,"needs_login":0,"ready":0,"reserved":0},"status":"unhealthy","uptime_s":0}"#)
            clock.advance(by: .seconds(61))
            let later = try await proxy.send(proxy.get("/healthz"))
            #expect(later.status == 200)
            #expect(later.body.contains(#""status":"healthy""#))
        }
    }

    /// A proxy pinned to one account is as healthy as that account alone: the others cannot serve its requests.
    @Test func aPinnedProxyCountsOnlyItsAccount() async throws {
        let clock = TestClock()
        let accounts = Self.accounts(["A", "B"]) { Self.cooling(&$0[0], clock: clock) }
        let pinned = accounts.list[0].id
        try await withHealthProxy(accounts, clock: clock, configure: { $0.pinnedAccount = pinned }) { proxy, _ in
            let answer = try await proxy.send(proxy.get("/healthz"))
            #expect(answer.status == 503)
            #expect(answer.body.contains(#""accounts":{"cooling":1,"disabled":0,"needs_login":0,"ready":0,"reserved":0}"#))
        }
    }

    /// Both endpoints take the proxy's secret like every other path (401 without it), and only `GET`.
    @Test func requiresTheSecretAndGet() async throws {
        try await withHealthProxy(Self.accounts(["A"])) { proxy, _ in
            for path in ["/healthz", "/metrics"] {
                let refused = try await proxy.send(proxy.get(path, withSecret: false))
                #expect(refused.status == 401, "\(path)")
                #expect(refused.body.contains("invalid_proxy_secret"), "\(path)")
                var wrong = proxy.get(path, withSecret: false)
                wrong.headers.add(name: "authorization", value: "Bearer \(proxy.secret.text)x")
                #expect(try await proxy.send(wrong).status == 401, "\(path)")
                var post = proxy.get(path)
                post.method = .POST
                #expect(try await proxy.send(post).status == 404, "\(path)")
                #expect(try await proxy.send(proxy.get(path)).status == 200, "\(path)")
            }
        }
    }
}
