import AsyncHTTPClient
import Foundation
import NIOHTTP1
import HTTPTypes
import RotorCore
import RotorProxy
import RotorTestSupport
import Testing

/// `GET /metrics` on a live proxy over the real store, after scripted rotations: exact counts.
@Suite(.timeLimit(.minutes(1)))
struct MetricsEndpointTests {
    static let rateLimited = TokenEndpoint.json(
        .tooManyRequests, #"{"error":{"type":"rate_limit_exceeded","message":"Rate limit reached. Please try again in 7s."}}"#)

    /// One request: attempt 1 rate-limited on A, attempt 2 served by B. One request, two attempts, one failover,
    /// exactly the bytes the client got, one observation per histogram, and the accounts as they are now.
    @Test func countsAFailover() async throws {
        let clock = TestClock(startDate: Date())
        try await RotationWorld.with(["A", "B"]) { world in
            try world.markRecentlyUsed("B")
            try await FakeUpstream.run(handler: { request in
                request.accountName == "A" ? Self.rateLimited : SSE.response(SSE.okStream)
            }) { upstream in
                try await withStoreProxy(world: world, upstream: upstream, configure: {
                    $0.time = TimeSource(now: { clock.date }, clock: clock)
                }) { proxy in
                    let before = try await proxy.scrapeMetrics()
                    #expect(before.nonZeroCountersAndGauges == [#"rotor_accounts{state="ready"}"#: 2])

                    let answer = try await proxy.send(proxy.request(body: responsesBody()))
                    #expect(answer.status == 200)
                    #expect(answer.headers["x-rotor-attempts"].first == "2")

                    let samples = try await proxy.scrapeMetrics()
                    #expect(samples.nonZeroCountersAndGauges == [
                        #"rotor_requests_total{outcome="success"}"#: 1,
                        #"rotor_attempts_total{classification="rate_limit"}"#: 1,
                        #"rotor_attempts_total{classification="success"}"#: 1,
                        "rotor_failovers_total": 1,
                        "rotor_relayed_bytes_total": Double(answer.body.utf8.count),
                        #"rotor_accounts{state="ready"}"#: 1,
                        #"rotor_accounts{state="cooling"}"#: 1,
                    ])
                    #expect(samples["rotor_time_to_first_byte_seconds_count"] == 1)
                    #expect(samples["rotor_request_duration_seconds_count"] == 1)
                    // The proxy's time stood still: the request took no time by it.
                    #expect(samples["rotor_request_duration_seconds_sum"] == 0)
                }
                #expect(upstream.log.all.map(\.accountName) == ["A", "B"])
            }
        }
    }

    /// A 401 refreshed once and retried on the same account: one refresh counted as a success (the token
    /// endpoint's one call), no failover.
    @Test func countsTokenRefreshes() async throws {
        let tokens = TokenEndpoint()
        try await RotationWorld.with(["A"]) { world in
            try await FakeUpstream.run(handler: tokens.rejectingFirstAccessToken) { upstream in
                try await withStoreProxy(world: world, upstream: upstream) { proxy in
                    let answer = try await proxy.send(proxy.request(body: responsesBody()))
                    #expect(answer.status == 200)
                    let samples = try await proxy.scrapeMetrics()
                    #expect(samples.nonZeroCountersAndGauges == [
                        #"rotor_requests_total{outcome="success"}"#: 1,
                        #"rotor_attempts_total{classification="unauthorized"}"#: 1,
                        #"rotor_attempts_total{classification="success"}"#: 1,
                        #"rotor_token_refreshes_total{result="success"}"#: 1,
                        "rotor_relayed_bytes_total": Double(answer.body.utf8.count),
                        #"rotor_accounts{state="ready"}"#: 1,
                    ])
                }
                #expect(tokens.calls == 1)
            }
        }
    }

    /// A refused login counts as `needs_login`, and the request that found no other account as pool-dry.
    @Test func countsARefusedRefresh() async throws {
        let tokens = TokenEndpoint()
        tokens.revoke("A")
        try await RotationWorld.with(["A"]) { world in
            try await FakeUpstream.run(handler: tokens.rejectingFirstAccessToken) { upstream in
                try await withStoreProxy(world: world, upstream: upstream) { proxy in
                    let answer = try await proxy.send(proxy.request(body: responsesBody()))
                    #expect(answer.status != 200)
                    let samples = try await proxy.scrapeMetrics()
                    #expect(samples[#"rotor_token_refreshes_total{result="needs_login"}"#] == 1)
                    #expect(samples[#"rotor_token_refreshes_total{result="success"}"#] == 0)
                    #expect(samples[#"rotor_attempts_total{classification="needs_login"}"#] == 1)
                    #expect(samples[#"rotor_accounts{state="needs_login"}"#] == 1)
                    #expect(samples.family("rotor_requests_total").values.reduce(0, +) == 1)
                }
            }
        }
    }
}
