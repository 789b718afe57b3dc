import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1
import RotorCore
import RotorProxy
import RotorStore
import RotorTestSupport
import Synchronization
import Testing

/// The failover loop against a fake upstream scripted per account, over the real shared store.
@Suite(.timeLimit(.minutes(1)))
struct FailoverLoopTests {
    /// A usage-limited account is skipped within the same request: the client gets B's whole stream, and A stays
    /// out exactly until the server's `resets_at`.
    @Test func usageLimitFailsOverToNextAccount() async throws {
        let resetsAt = Int(Date().timeIntervalSince1970) + 3 * 3600
        try await RotationWorld.with(["A", "B"]) { world in
            try world.markRecentlyUsed("B")
            try await FakeUpstream.run(handler: { request in
                request.accountName == "A" ? usageLimitResponse(resetsAt: resetsAt) : SSE.response(SSE.okStream)
            }) { upstream in
                try await withStoreProxy(world: world, upstream: upstream) { proxy in
                    let answer = try await proxy.send(proxy.request(body: responsesBody()))
                    #expect(answer.status == 200)
                    #expect(answer.body.contains("response.completed"))
                    #expect(answer.headers["x-rotor-account"].first == world.id("B").shortID)
                    #expect(answer.headers["x-rotor-attempts"].first == "2")
                }
                #expect(upstream.log.all.map(\.accountName) == ["A", "B"])
                let cooldown = try #require(try world.account("A").cooldown)
                #expect(cooldown.reason == .usageLimit)
                #expect(cooldown.until == Date(timeIntervalSince1970: TimeInterval(resetsAt)))
            }
        }
    }

    /// A usage limit signalled as the first SSE event of a 200 is still a pre-send failure.
    @Test func limitAsFirstEventFailsOver() async throws {
        let resetsAt = Int(Date().timeIntervalSince1970) + 600
        try await RotationWorld.with(["A", "B"]) { world in
            try world.markRecentlyUsed("B")
            try await FakeUpstream.run(handler: { request in
                guard request.accountName == "A" else { return SSE.response(SSE.okStream) }
                return SSE.response(SSE.event(
                    "response.failed",
                    #"{"type":"response.failed","response":{"id":"r","status":"failed","error":{"code":"usage_limit_reached","message":"limit","resets_at":\#(resetsAt)}}}"#
                ))
            }) { upstream in
                try await withStoreProxy(world: world, upstream: upstream) { proxy in
                    let answer = try await proxy.send(proxy.request(body: responsesBody()))
                    #expect(answer.status == 200)
                    #expect(answer.body.contains("response.completed"))
                    #expect(!answer.body.contains("usage_limit_reached"))
                }
                #expect(try world.account("A").cooldown?.until == Date(timeIntervalSince1970: TimeInterval(resetsAt)))
            }
        }
    }

    /// With every account limited the client gets a usage-limit 429 naming the earliest reset, and the next request
    /// spends no upstream call at all.
    @Test func poolDryAnswersWithEarliestReset() async throws {
        let now = Int(Date().timeIntervalSince1970)
        let resets = ["A": now + 7200, "B": now + 3600]
        try await RotationWorld.with(["A", "B"]) { world in
            try await FakeUpstream.run(handler: { request in
                usageLimitResponse(resetsAt: resets[request.accountName ?? "A"]!)
            }) { upstream in
                try await withStoreProxy(world: world, upstream: upstream) { proxy in
                    let first = try await proxy.send(proxy.request(body: responsesBody()))
                    #expect(first.status == 429)
                    #expect(first.body.contains(#""type":"usage_limit_reached""#))
                    #expect(first.body.contains(#""resets_at":\#(now + 3600)"#))
                    let retryAfter = try #require(first.headers["retry-after"].first.flatMap { Int($0) })
                    #expect((3590...3600).contains(retryAfter))
                    #expect(upstream.log.all.count == 2)

                    let second = try await proxy.send(proxy.request(body: responsesBody(conversation: "other")))
                    #expect(second.status == 429)
                    #expect(second.body.contains(#""resets_at":\#(now + 3600)"#))
                    #expect(upstream.log.all.count == 2, "a dry pool spends no upstream request")
                }
            }
        }
    }

    /// When every account is out but one returns within `ROTOR_MAX_WAIT`, the proxy holds the request until then
    /// and serves it on that account instead of answering 429. The wait runs on the proxy's injected clock: the test
    /// clock is advanced to the return (plus rotor's 50 ms margin), and nothing sleeps for real.
    @Test func poolDryWaitsForANearReturn() async throws {
        let clock = TestClock(startDate: Date())
        try await RotationWorld.with(["A"]) { world in
            let returnsAt = clock.date.addingTimeInterval(30)
            try world.store.recordCooldown(
                Cooldown(until: returnsAt, reason: .rateLimit), consecutiveFailures: 1, for: world.id("A"),
                now: clock.date)
            try await FakeUpstream.run(handler: { _ in SSE.response(SSE.okStream) }) { upstream in
                try await withStoreProxy(world: world, upstream: upstream, configure: {
                    $0.maxWait = .seconds(60)
                    $0.time = TimeSource(now: { clock.date }, clock: clock)
                }) { proxy in
                    async let answer = proxy.send(proxy.request(body: responsesBody()))
                    // Two sleepers: the request's wait, and the token renewal's next pass a minute on.
                    let sleepers = try await clock.waitForSleepers(count: 2)
                    let wait = TestClock.Instant(offset: .seconds(30) + .milliseconds(50))
                    #expect(sleepers == [wait, TestClock.Instant(offset: .seconds(60))])
                    #expect(upstream.log.all.isEmpty, "nothing is sent while the account is out")
                    clock.advance(to: wait)
                    let served = try await answer
                    #expect(served.status == 200)
                    #expect(served.headers["x-rotor-account"].first == world.id("A").shortID)
                    #expect(clock.date >= returnsAt)
                }
                #expect(upstream.log.all.map(\.accountName) == ["A"])
            }
        }
    }

    /// A 401 refreshes the token once and retries the same account with the new one.
    @Test func unauthorizedRefreshesAndRetries() async throws {
        let tokens = TokenEndpoint()
        try await RotationWorld.with(["A"]) { world in
            try await FakeUpstream.run(handler: tokens.rejectingFirstAccessToken) { upstream in
                try await withStoreProxy(world: world, upstream: upstream) { proxy in
                    let answer = try await proxy.send(proxy.request(body: responsesBody()))
                    #expect(answer.status == 200)
                }
                #expect(tokens.calls == 1)
                #expect(upstream.log.all.filter { $0.path != "/oauth/token" }.map(\.bearer) == ["at-A-0", "at-A-1"])
                #expect(try world.store.credentials(for: world.id("A"))?.refreshToken == "rt-A-1")
            }
        }
    }

    /// Eight concurrent requests rejected with the same stale token share exactly one refresh.
    @Test func concurrentUnauthorizedShareOneRefresh() async throws {
        let tokens = TokenEndpoint()
        try await RotationWorld.with(["A"]) { world in
            try await FakeUpstream.run(handler: tokens.rejectingFirstAccessToken) { upstream in
                try await withStoreProxy(world: world, upstream: upstream) { proxy in
                    let statuses = try await sendConcurrently(through: Array(repeating: proxy, count: 8))
                    #expect(statuses == Array(repeating: 200, count: 8))
                }
                #expect(tokens.calls == 1)
                #expect(try world.account("A").status == .ready)
            }
        }
    }

    /// A revoked refresh token marks the account needs-login (never retried) and the request moves on.
    @Test func revokedLoginNeedsLoginAndMovesOn() async throws {
        let tokens = TokenEndpoint()
        tokens.revoke("A")
        try await RotationWorld.with(["A", "B"]) { world in
            try world.markRecentlyUsed("B")
            try await FakeUpstream.run(handler: { request in
                if request.path == "/oauth/token" { return tokens.answer(request) }
                return request.accountName == "A"
                    ? TokenEndpoint.json(.unauthorized, #"{"error":{"message":"expired"}}"#) : SSE.response(SSE.okStream)
            }) { upstream in
                try await withStoreProxy(world: world, upstream: upstream) { proxy in
                    let status1 = try await proxy.send(proxy.request(body: responsesBody())).status
                    #expect(status1 == 200)
                    let status2 = try await proxy.send(proxy.request(body: responsesBody(conversation: "two"))).status
                    #expect(status2 == 200)
                }
                #expect(tokens.calls == 1, "a dead login is never refreshed again")
                #expect(try world.account("A").status.name == "needs-login")
                #expect(upstream.log.all.filter { $0.accountName == "A" }.count == 1)
            }
        }
    }

    /// A conversation stays on its account across 20 requests, and moves exactly once when that account is limited.
    @Test func affinityKeepsConversationAndMovesOnce() async throws {
        let limited = Mutex(Set<String>())
        let resetsAt = Int(Date().timeIntervalSince1970) + 3600
        try await RotationWorld.with(["A", "B", "C"]) { world in
            try await FakeUpstream.run(handler: { request in
                let name = request.accountName ?? ""
                return limited.withLock { $0.contains(name) }
                    ? usageLimitResponse(resetsAt: resetsAt) : SSE.response(SSE.okStream)
            }) { upstream in
                try await withStoreProxy(world: world, upstream: upstream) { proxy in
                    for _ in 0..<20 {
                        let status3 = try await proxy.send(proxy.request(body: responsesBody(conversation: "sticky"))).status
                        #expect(status3 == 200)
                    }
                    let first = Set(upstream.log.all.compactMap(\.accountName))
                    #expect(first.count == 1)
                    let home = try #require(first.first)
                    limited.withLock { _ = $0.insert(home) }
                    for _ in 0..<20 {
                        let status4 = try await proxy.send(proxy.request(body: responsesBody(conversation: "sticky"))).status
                        #expect(status4 == 200)
                    }
                    let after = upstream.log.all.dropFirst(20).compactMap(\.accountName)
                    #expect(after.first == home)
                    let moved = Set(after.dropFirst())
                    #expect(moved.count == 1 && !moved.contains(home), "moved once, then stayed: \(after)")
                }
            }
        }
    }

    /// Four proxies, each over its own store of one state directory (as four `rotor proxy` processes are), are
    /// refused the same access token at once: exactly one refresh call, and every request is served.
    @Test func unauthorizedAcrossSeparateStoresSharesOneRefresh() async throws {
        let tokens = TokenEndpoint()
        try await RotationWorld.with(["A"]) { world in
            let worlds = try [world] + (1..<4).map { _ in try world.reopened() }
            try await FakeUpstream.run(handler: tokens.rejectingFirstAccessToken) { upstream in
                try await withStoreProxies(worlds: worlds[...], upstream: upstream) { proxies in
                    let statuses = try await sendConcurrently(through: proxies)
                    #expect(statuses == Array(repeating: 200, count: 4))
                }
                #expect(tokens.calls == 1)
                #expect(try world.account("A").status == .ready)
            }
        }
    }

    /// A 429 learned by one proxy steers the very next request of another proxy with its own store of the same
    /// state directory (as another `rotor` process has).
    @Test func cooldownIsSharedBetweenProxies() async throws {
        let resetsAt = Int(Date().timeIntervalSince1970) + 3600
        try await RotationWorld.with(["A", "B"]) { world in
            try world.markRecentlyUsed("B")
            try await FakeUpstream.run(handler: { request in
                request.accountName == "A" ? usageLimitResponse(resetsAt: resetsAt) : SSE.response(SSE.okStream)
            }) { upstream in
                try await withStoreProxy(world: world, upstream: upstream) { first in
                    try await withStoreProxy(world: world.reopened(), upstream: upstream) { second in
                        let status5 = try await first.send(first.request(body: responsesBody(conversation: "x"))).status
                        #expect(status5 == 200)
                        #expect(upstream.log.all.map(\.accountName) == ["A", "B"])
                        let status6 = try await second.send(second.request(body: responsesBody(conversation: "y"))).status
                        #expect(status6 == 200)
                        #expect(upstream.log.all.map(\.accountName) == ["A", "B", "B"])
                    }
                }
            }
        }
    }

    /// A request echoing `x-codex-turn-state` stays on the account that minted it even when another account is
    /// preferred; once the minter is limited, the request fails over without the header.
    @Test func turnStateStaysOnItsMinterAndIsDroppedOnFailover() async throws {
        let turnState = HTTPField.Name("x-codex-turn-state")!
        try await RotationWorld.with(["A", "B"]) { world in
            try world.markRecentlyUsed("B")
            try await FakeUpstream.run(handler: { request in
                SSE.response(SSE.okStream, headers: [turnState: "ts-\(request.accountName ?? "?")"])
            }) { upstream in
                try await withStoreProxy(world: world, upstream: upstream) { proxy in
                    let minted = try await proxy.send(proxy.request(body: responsesBody(conversation: nil)))
                    #expect(minted.headers["x-codex-turn-state"].first == "ts-A")
                    // A served last, so B is now the least recently used: only the turn state keeps the turn on A.
                    let echo = [("x-codex-turn-state", "ts-A")]
                    let sameTurn = try await proxy.send(proxy.request(body: responsesBody(conversation: nil), headers: echo))
                    #expect(sameTurn.headers["x-rotor-account"].first == world.id("A").shortID)
                    try world.store.recordCooldown(
                        Cooldown(until: Date().addingTimeInterval(3600), reason: .usageLimit),
                        consecutiveFailures: 1, for: world.id("A"), now: Date()
                    )
                    let movedTurn = try await proxy.send(proxy.request(body: responsesBody(conversation: nil), headers: echo))
                    #expect(movedTurn.status == 200)
                    #expect(movedTurn.headers["x-rotor-account"].first == world.id("B").shortID)
                }
                let requests = upstream.log.all
                #expect(requests.map(\.accountName) == ["A", "A", "B"])
                #expect(requests.map { $0.header("x-codex-turn-state") } == [nil, "ts-A", nil])
            }
        }
    }

    /// A stream that breaks after bytes reached the client is ended with an error event and never replayed.
    @Test func streamDroppedAfterCommitIsNotReplayed() async throws {
        try await RotationWorld.with(["A", "B"]) { world in
            try await FakeUpstream.run(handler: { _ in
                SSE.response(SSE.created() + SSE.textDelta("partial"))
            }) { upstream in
                try await withStoreProxy(world: world, upstream: upstream) { proxy in
                    let answer = try await proxy.send(proxy.request(body: responsesBody()))
                    #expect(answer.status == 200)
                    #expect(answer.body.contains("partial"))
                    #expect(answer.body.contains("rotor_stream_interrupted"))
                }
                #expect(upstream.log.all.count == 1)
            }
        }
    }

    /// An upstream that never sends its response head is cut by the header timeout and the request fails over.
    @Test func headerTimeoutFailsOver() async throws {
        try await RotationWorld.with(["A", "B"]) { world in
            try world.markRecentlyUsed("B")
            try await FakeUpstream.run(handler: { request in
                if request.accountName == "A" { try await Task.sleep(for: .seconds(30)) }
                return SSE.response(SSE.okStream)
            }) { upstream in
                try await withStoreProxy(world: world, upstream: upstream, configure: {
                    $0.timeouts = UpstreamTimeouts(connect: .seconds(5), header: .seconds(2), idle: .seconds(5))
                }) { proxy in
                    let answer = try await proxy.send(proxy.request(body: responsesBody()))
                    #expect(answer.status == 200)
                    #expect(answer.headers["x-rotor-account"].first == world.id("B").shortID)
                }
                #expect(try world.account("A").cooldown?.reason == .network)
            }
        }
    }

    /// The decision log says, request by request, which account served and why the others were skipped.
    @Test func decisionLogExplainsEveryAttempt() async throws {
        let resetsAt = Int(Date().timeIntervalSince1970) + 3600
        try await RotationWorld.with(["A", "B"]) { world in
            try world.markRecentlyUsed("B")
            try await FakeUpstream.run(handler: { request in
                request.accountName == "A" ? usageLimitResponse(resetsAt: resetsAt) : SSE.response(SSE.okStream)
            }) { upstream in
                try await withStoreProxy(world: world, upstream: upstream) { proxy in
                    _ = try await proxy.send(proxy.request(body: responsesBody(conversation: "one")))
                    _ = try await proxy.send(proxy.request(body: responsesBody(conversation: "two")))
                }
                let records = try world.store.decisions(requestID: nil, limit: 10).reversed()
                let summary = records.map { "\($0.accountID.map { $0 == world.id("A") ? "A" : "B" } ?? "-") \($0.outcome)" }
                #expect(summary == ["A usage-limit", "B success", "B success"])
                let skipped = try #require(records.last)
                #expect(skipped.reason.contains("a@example.com"), "the second request says why A was skipped: \(skipped.reason)")
                #expect(records.allSatisfy { $0.conversationKeyHash?.count == 16 })
                #expect(records.last?.outputTokens == 2)
            }
        }
    }
}
