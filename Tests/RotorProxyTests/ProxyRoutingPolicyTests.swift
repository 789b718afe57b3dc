import Foundation
import Glibc
import NIOHTTP1
import RotorCore
import RotorProxy
import RotorStore
import RotorTestSupport
import Testing

/// The routing policy through the running proxy: a reserved account is skipped and the decision log says why, a
/// pool kept at its reserves answers without an upstream call, and an edited policy file is picked up on the next
/// request only when it passes the check.
@Suite(.timeLimit(.minutes(1)))
struct ProxyRoutingPolicyTests {
    /// A's five-hour window is 75% used but its weekly one is fresh; B has 10% of five hours and 85% of the week
    /// used. By headroom A wins (25% against 15%); with a five-hour reserve of 30% A is at its reserve.
    static func seedUsage(_ world: RotationWorld) throws {
        let now = Date()
        func usage(fiveHours: Double, weekly: Double) -> UsageSnapshot {
            UsageSnapshot(
                primary: UsageWindow(usedPercent: fiveHours, windowMinutes: 300, resetsAt: now.addingTimeInterval(3_600)),
                secondary: UsageWindow(usedPercent: weekly, windowMinutes: 10_080,
                                       resetsAt: now.addingTimeInterval(3 * 86_400)),
                observedAt: now)
        }
        try world.store.recordUsage(usage(fiveHours: 75, weekly: 0), for: world.id("A"))
        try world.store.recordUsage(usage(fiveHours: 10, weekly: 85), for: world.id("B"))
    }

    static let fiveHourReserve = RoutingPolicy(reserves: [.fiveHours: 30])

    @Test func reservedAccountIsSkippedAndTheLogSaysWhy() async throws {
        try await RotationWorld.with(["A", "B"]) { world in
            try Self.seedUsage(world)
            try await FakeUpstream.run(handler: { _ in SSE.response(SSE.okStream) }) { upstream in
                try await withStoreProxy(world: world, upstream: upstream, configure: {
                    $0.routingPolicy = RoutingPolicySource(fixed: Self.fiveHourReserve)
                }) { proxy in
                    let answer = try await proxy.send(proxy.request(body: responsesBody()))
                    #expect(answer.status == 200)
                }
                #expect(upstream.log.all.map(\.accountName) == ["B"])
                let row = try #require(try world.store.decisions(requestID: nil, limit: 1).first)
                let label = try world.account("A").label
                #expect(row.accountID == world.id("B"))
                #expect(row.reason == "only account above its reserve; skipped \(label) reserved (5h 75% used, keeps 30%)")
                #expect(row.policyVersion == Self.fiveHourReserve.version)
            }
        }
    }

    /// Without a policy the same pool goes to A, by headroom, under the default policy's version.
    @Test func withoutPolicyTheHeadroomOrderStands() async throws {
        try await RotationWorld.with(["A", "B"]) { world in
            try Self.seedUsage(world)
            try await FakeUpstream.run(handler: { _ in SSE.response(SSE.okStream) }) { upstream in
                try await withStoreProxy(world: world, upstream: upstream) { proxy in
                    let answer = try await proxy.send(proxy.request(body: responsesBody()))
                    #expect(answer.status == 200)
                }
                #expect(upstream.log.all.map(\.accountName) == ["A"])
                let row = try #require(try world.store.decisions(requestID: nil, limit: 1).first)
                #expect(row.reason == "most headroom 25%")
                #expect(row.policyVersion == RoutingPolicy.default.version)
            }
        }
    }

    /// `wait` with every usable account at its reserve: 429 `usage_limit_reached` with the earliest reset at which
    /// an account leaves its reserve, and no upstream call.
    @Test func allReservedWaitAnswersWithoutUpstream() async throws {
        try await RotationWorld.with(["A", "B"]) { world in
            try Self.seedUsage(world)
            let policy = RoutingPolicy(reserves: [.fiveHours: 30, .weekly: 20], whenAllReserved: .wait)
            try await FakeUpstream.run(handler: { _ in SSE.response(SSE.okStream) }) { upstream in
                try await withStoreProxy(world: world, upstream: upstream, configure: {
                    $0.routingPolicy = RoutingPolicySource(fixed: policy)
                }) { proxy in
                    let answer = try await proxy.send(proxy.request(body: responsesBody()))
                    #expect(answer.status == 429)
                    #expect(answer.body.contains(#""type":"usage_limit_reached""#))
                    #expect(answer.body.contains("when-all-reserved"))
                    let retryAfter = try #require(answer.headers["retry-after"].first.flatMap { Int($0) })
                    #expect((3_590...3_600).contains(retryAfter), "A leaves its five-hour reserve first")
                    let health = try await proxy.send(proxy.get("/healthz"))
                    #expect(health.status == 503, "every request is answered 429: the pool cannot serve")
                    #expect(health.body.contains(#""reserved":2"#) && health.body.contains(#""status":"unhealthy""#))
                }
                #expect(upstream.log.all.isEmpty)
                let row = try #require(try world.store.decisions(requestID: nil, limit: 1).first)
                #expect(row.outcome == .poolDry)
                #expect(row.reason.hasPrefix("every usable account reserved: "))
            }
        }
    }

    /// An edited file is read on the next request; a broken edit is ignored (the policy in force stays) and a
    /// removed file is rotor's default order. The stand-in reader takes `5h=<percent>` or fails.
    @Test func editedFileIsPickedUpOnlyWhenItPassesTheCheck() async throws {
        let folder = try TemporaryDirectory(prefix: "rotor-policy-watch")
        defer { folder.remove() }
        let path = folder.path("config.toml")
        let read: RoutingPolicySource.Read = { path, _ in
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
            guard text.hasPrefix("5h="), let percent = Double(text.dropFirst(3)) else {
                throw PolicyTextError(text: text)
            }
            return RoutingPolicy(reserves: [.fiveHours: percent])
        }
        /// Saves as editors do: a new file renamed over the old one.
        func save(_ text: String) throws {
            let next = folder.appending("config.toml.new")
            try Data(text.utf8).write(to: next)
            #expect(rename(next.path(percentEncoded: false), path) == 0)
        }
        try await RotationWorld.with(["A", "B"]) { world in
            try Self.seedUsage(world)
            try save("5h=0")
            let source = try RoutingPolicySource(file: path, accounts: try world.store.currentAccounts(), read: read)
            #expect(source.initial.version == RoutingPolicy.default.version)
            try await FakeUpstream.run(handler: { _ in SSE.response(SSE.okStream) }) { upstream in
                try await withStoreProxy(world: world, upstream: upstream, configure: { $0.routingPolicy = source }) {
                    proxy in
                    func served(_ conversation: String) async throws -> (account: String?, version: String?) {
                        let answer = try await proxy.send(proxy.request(body: responsesBody(conversation: conversation)))
                        #expect(answer.status == 200)
                        let row = try world.store.decisions(requestID: nil, limit: 1).first
                        return (upstream.log.all.last?.accountName, row?.policyVersion)
                    }
                    let first = try await served("c1")
                    #expect(first.account == "A" && first.version == RoutingPolicy.default.version)
                    try save("5h=30")
                    let edited = try await served("c2")
                    #expect(edited.account == "B" && edited.version == Self.fiveHourReserve.version)
                    try save("broken")
                    let broken = try await served("c3")
                    #expect(broken.account == "B" && broken.version == Self.fiveHourReserve.version)
                    try FileManager.default.removeItem(atPath: path)
                    let removed = try await served("c4")
                    #expect(removed.account == "A" && removed.version == RoutingPolicy.default.version)
                }
            }
        }
    }

    /// A file that fails the check at start is the proxy's refusal to start, with the reader's words.
    @Test func brokenFileAtStartIsAnError() throws {
        let folder = try TemporaryDirectory(prefix: "rotor-policy-start")
        defer { folder.remove() }
        let path = folder.path("config.toml")
        try Data("broken".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: PolicyTextError(text: "broken")) {
            try RoutingPolicySource(file: path, accounts: []) { _, _ in throw PolicyTextError(text: "broken") }
        }
    }
}

/// The stand-in reader's refusal.
struct PolicyTextError: Error, Equatable {
    var text: String
}
