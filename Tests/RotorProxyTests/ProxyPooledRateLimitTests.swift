import Foundation
import HTTPTypes
import NIOHTTP1
import RotorCore
import RotorProxy
import RotorTestSupport
import Testing

/// The `x-codex-primary-*` / `x-codex-secondary-*` headers Codex warns from describe the pool on a live proxy: the
/// serving account's values from its response, the others' from their stored snapshots.
struct ProxyPooledRateLimitTests {
    /// Now, in whole seconds, so that resets written as unix seconds compare exactly.
    private static func wholeSecondsNow() -> Int { Int(Date().timeIntervalSince1970) }

    private static func field(_ name: String) -> HTTPField.Name { HTTPField.Name(name)! }

    /// Account A serves with its 5-hour window at 95 %; B's stored snapshot says 10 %. The client reads
    /// 100 − mean(5, 90) = 52.5 % used and B's earlier reset, the weekly window pooled alike, and every other
    /// `x-codex-*` header as the upstream sent it.
    @Test func aStreamCarriesThePoolsUsage() async throws {
        let now = Self.wholeSecondsNow()
        var pool = FakeAccounts.make(["A", "B"])
        pool.list[1].usage = UsageSnapshot(
            primary: UsageWindow(usedPercent: 10, windowMinutes: 300,
                                 resetsAt: Date(timeIntervalSince1970: TimeInterval(now + 1_800))),
            secondary: UsageWindow(usedPercent: 40, windowMinutes: 10_080,
                                   resetsAt: Date(timeIntervalSince1970: TimeInterval(now + 345_600))),
            observedAt: Date(timeIntervalSince1970: TimeInterval(now - 60)))
        let accounts = pool
        let upstreamHeaders: HTTPFields = [
            Self.field("x-codex-primary-used-percent"): "95",
            Self.field("x-codex-primary-window-minutes"): "300",
            Self.field("x-codex-primary-reset-at"): String(now + 3_600),
            Self.field("x-codex-primary-reset-after-seconds"): "3600",
            Self.field("x-codex-secondary-used-percent"): "20",
            Self.field("x-codex-secondary-window-minutes"): "10080",
            Self.field("x-codex-secondary-reset-at"): String(now + 432_000),
            Self.field("x-codex-secondary-reset-after-seconds"): "432000",
            Self.field("x-codex-credits-balance"): "7",
            Self.field("x-codex-other-primary-used-percent"): "99",
            Self.field("x-codex-turn-state"): "ts-1",
        ]
        try await withTimeout(.seconds(30)) {
            try await FakeUpstream.run(handler: { _ in SSE.response(SSE.okStream, headers: upstreamHeaders) }) { upstream in
                try await withProxy(upstreamURL: upstream.baseURL, accounts: accounts) { proxy in
                    let response = try await proxy.send(proxy.request(body: #"{"stream":true}"#))
                    #expect(response.status == 200)
                    let headers = response.headers
                    #expect(headers["x-rotor-account"] == [accounts.list[0].id.shortID])
                    #expect(headers["x-codex-primary-used-percent"] == ["52.5"])
                    #expect(headers["x-codex-primary-window-minutes"] == ["300"])
                    #expect(headers["x-codex-primary-reset-at"] == [String(now + 1_800)])
                    // Seconds from the proxy's own now: at most the whole seconds this request took fewer.
                    let took = Self.wholeSecondsNow() + 1 - now
                    let primaryAfter = try #require(headers["x-codex-primary-reset-after-seconds"].first.flatMap(Int.init))
                    #expect((1_800 - took)...1_800 ~= primaryAfter)
                    #expect(headers["x-codex-secondary-used-percent"] == ["30"])
                    #expect(headers["x-codex-secondary-window-minutes"] == ["10080"])
                    #expect(headers["x-codex-secondary-reset-at"] == [String(now + 345_600)])
                    let weeklyAfter = try #require(headers["x-codex-secondary-reset-after-seconds"].first.flatMap(Int.init))
                    #expect((345_600 - took)...345_600 ~= weeklyAfter)
                    #expect(headers["x-codex-credits-balance"] == ["7"])
                    #expect(headers["x-codex-other-primary-used-percent"] == ["99"])
                    #expect(headers["x-codex-turn-state"] == ["ts-1"])
                }
            }
        }
    }

    /// A client that asked for one JSON answer gets the same pooled headers.
    @Test func aJSONAnswerCarriesThePoolsUsage() async throws {
        var pool = FakeAccounts.make(["A", "B"])
        pool.list[1].usage = UsageSnapshot(primary: UsageWindow(usedPercent: 30, windowMinutes: 300),
                                           observedAt: Date())
        let accounts = pool
        let upstreamHeaders: HTTPFields = [
            Self.field("x-codex-primary-used-percent"): "90",
            Self.field("x-codex-primary-window-minutes"): "300",
        ]
        try await withTimeout(.seconds(30)) {
            try await FakeUpstream.run(handler: { _ in SSE.response(SSE.okStream, headers: upstreamHeaders) }) { upstream in
                try await withProxy(upstreamURL: upstream.baseURL, accounts: accounts) { proxy in
                    let response = try await proxy.send(proxy.request(body: #"{"stream":false}"#))
                    #expect(response.status == 200)
                    #expect(response.headers["x-codex-primary-used-percent"] == ["60"])
                    #expect(response.headers["x-codex-primary-window-minutes"] == ["300"])
                }
            }
        }
    }

    /// A proxy pinned to one account (`rotor run --account`) describes that account alone: no other can serve its
    /// requests, so another account's room must not hide that this one runs out.
    @Test func aPinnedProxyDescribesItsAccountAlone() async throws {
        var pool = FakeAccounts.make(["A", "B"])
        pool.list[1].usage = UsageSnapshot(primary: UsageWindow(usedPercent: 10, windowMinutes: 300),
                                           observedAt: Date())
        let accounts = pool
        let upstreamHeaders: HTTPFields = [
            Self.field("x-codex-primary-used-percent"): "95",
            Self.field("x-codex-primary-window-minutes"): "300",
        ]
        try await withTimeout(.seconds(30)) {
            try await FakeUpstream.run(handler: { _ in SSE.response(SSE.okStream, headers: upstreamHeaders) }) { upstream in
                try await withProxy(upstreamURL: upstream.baseURL, accounts: accounts,
                                    configure: { $0.pinnedAccount = accounts.list[0].id }) { proxy in
                    let response = try await proxy.send(proxy.request(body: #"{"stream":true}"#))
                    #expect(response.status == 200)
                    #expect(response.headers["x-rotor-account"] == [accounts.list[0].id.shortID])
                    #expect(response.headers["x-codex-primary-used-percent"] == ["95"])
                }
            }
        }
    }

    /// rotor's own 429 for a dry pool (every account out on its usage limit) reports the pool from the stored
    /// snapshots: 100 % used, resetting at the earliest reset; no request goes upstream.
    @Test func thePoolDryAnswerCarriesThePoolsUsage() async throws {
        let now = Self.wholeSecondsNow()
        var pool = FakeAccounts.make(["A", "B"])
        for (index, resetIn) in [(0, 7_200), (1, 3_600)] {
            pool.list[index].usage = UsageSnapshot(
                primary: UsageWindow(usedPercent: 100, windowMinutes: 300,
                                     resetsAt: Date(timeIntervalSince1970: TimeInterval(now + resetIn))),
                observedAt: Date(timeIntervalSince1970: TimeInterval(now - 60)))
        }
        let accounts = pool
        try await withTimeout(.seconds(30)) {
            try await FakeUpstream.run(handler: { _ in SSE.response(SSE.okStream) }) { upstream in
                try await withProxy(upstreamURL: upstream.baseURL, accounts: accounts) { proxy in
                    let response = try await proxy.send(proxy.request(body: #"{"stream":true}"#))
                    #expect(response.status == 429)
                    #expect(response.body.contains("usage_limit_reached"))
                    #expect(response.headers["x-codex-primary-used-percent"] == ["100"])
                    #expect(response.headers["x-codex-primary-window-minutes"] == ["300"])
                    #expect(response.headers["x-codex-primary-reset-at"] == [String(now + 3_600)])
                    #expect(response.headers["x-codex-secondary-used-percent"].isEmpty)
                    #expect(upstream.log.all.isEmpty)
                }
            }
        }
    }
}
