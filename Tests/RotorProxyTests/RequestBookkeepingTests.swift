import Foundation
import HTTPTypes
import HummingbirdCore
import NIOCore
import RotorCore
@testable import RotorProxy
import RotorStore
import RotorTestSupport
import Synchronization
import Testing

/// What a request leaves in the shared store on every path: one decision row per attempt (also when the client
/// leaves), bookkeeping that cannot fail a ready stream, and failure counts that add up across concurrent requests.
@Suite(.timeLimit(.minutes(1)))
struct RequestBookkeepingTests {
    /// A `codex.rate_limits` event reporting 42% of the 5-hour window used.
    private static let rateLimits = SSE.event(
        "codex.rate_limits",
        #"{"type":"codex.rate_limits","rate_limits":{"primary":{"used_percent":42,"window_minutes":300,"reset_after_seconds":600}}}"#
    )

    /// The client leaves (Esc in Codex) after the commit: the committed attempt still gets its decision row, with
    /// the bytes relayed so far and the usage the stream reported before the client left.
    @Test func clientLeavingAfterTheCommitLeavesItsRecord() async throws {
        let start = SSE.created("resp_esc") + Self.rateLimits
        let clientHasTheStart = Gate()
        let upstreamCancelled = Gate()
        try await RotationWorld.with(["A"]) { world in
            try await withTimeout(.seconds(45)) {
                try await FakeUpstream.run(handler: { _ in
                    SSE.streaming { writer in
                        do {
                            try await writer.write(ByteBuffer(string: start))
                            await clientHasTheStart.wait()
                            for _ in 0..<1_000 {
                                try await Task.sleep(for: .milliseconds(20))
                                try await writer.write(ByteBuffer(string: SSE.textDelta(".")))
                            }
                        } catch {
                            upstreamCancelled.open()
                            throw error
                        }
                    }
                }) { upstream in
                    try await withStoreProxy(world: world, upstream: upstream) { proxy in
                        let request = Self.rawStreamingRequest(proxy)
                        let status = try await withRawConnection(port: proxy.port) { connection in
                            try connection.send(request)
                            let head = try connection.readHead()
                            _ = try connection.readChunks(atLeast: start.utf8.count)
                            clientHasTheStart.open()
                            connection.hangUp()
                            return head.status
                        }
                        #expect(status == 200)
                        await upstreamCancelled.wait()
                        let record = try await Self.decision(in: world) { $0.outcome == .clientClosed }
                        #expect(record.accountID == world.id("A"))
                        #expect(record.attempt == 1)
                        #expect(record.bytes >= start.utf8.count)
                    }
                }
            }
            #expect(try world.account("A").usage?.primary?.usedPercent == 42)
            #expect(try world.account("A").cooldown == nil, "a client that leaves is no fault of the account")
        }
    }

    /// The client leaves while rotor still holds the upstream's answer (no event yet): the attempt is recorded too.
    @Test func clientLeavingBeforeTheCommitLeavesItsRecord() async throws {
        let requestArrived = Gate()
        let upstreamCancelled = Gate()
        try await RotationWorld.with(["A"]) { world in
            try await withTimeout(.seconds(45)) {
                try await FakeUpstream.run(handler: { _ in
                    requestArrived.open()
                    return SSE.streaming { writer in
                        do {
                            for _ in 0..<1_000 {
                                try await writer.write(ByteBuffer(string: ": waiting\n\n"))
                                try await Task.sleep(for: .milliseconds(20))
                            }
                        } catch {
                            upstreamCancelled.open()
                            throw error
                        }
                    }
                }) { upstream in
                    try await withStoreProxy(world: world, upstream: upstream) { proxy in
                        let request = Self.rawStreamingRequest(proxy)
                        let connection = try await withRawConnection(port: proxy.port) { connection in
                            try connection.send(request)
                            return UncheckedBox(connection)
                        }
                        await requestArrived.wait()
                        connection.value.hangUp()
                        await upstreamCancelled.wait()
                        let record = try await Self.decision(in: world) { $0.outcome == .clientClosed }
                        #expect(record.accountID == world.id("A"))
                        #expect(record.attempt == 1)
                        #expect(record.bytes == 0)
                    }
                }
            }
            #expect(try world.account("A").cooldown == nil)
        }
    }

    /// Another process holds the store's write lock while a request is served: the ready stream still reaches the
    /// client whole (nothing is written before its head), and the request's bookkeeping lands once the lock is free.
    @Test func aBusyStoreDoesNotFailAReadyStream() async throws {
        let configuration = AccountStore.Configuration(busyTimeout: .milliseconds(200))
        try await RotationWorld.with(["A"], configuration: configuration) { world in
            try await FakeUpstream.run(handler: { _ in
                SSE.response(SSE.okStream, headers: [ConversationAffinityTestNames.turnState: "ts-1"])
            }) { upstream in
                try await withStoreProxy(world: world, upstream: upstream) { proxy in
                    let lock = try DatabaseWriteLock(world.directory)
                    let answer = try await proxy.send(proxy.request(body: responsesBody()))
                    lock.release()
                    #expect(answer.status == 200)
                    #expect(answer.body.contains("response.completed"))
                    let record = try await Self.decision(in: world) { $0.outcome == .success }
                    #expect(record.accountID == world.id("A"))
                }
            }
            #expect(try world.account("A").lastUsedAt != nil)
        }
    }

    /// A write still waiting for its retry when the proxy stops gets one last try: the retry's pause runs on a test
    /// clock that never advances, the lock is released, and stopping the proxy lands the row.
    @Test func aPendingRetryGetsALastTryAtShutdown() async throws {
        let configuration = AccountStore.Configuration(busyTimeout: .milliseconds(200))
        let clock = TestClock(startDate: Date())
        try await RotationWorld.with(["A"], configuration: configuration) { world in
            try await FakeUpstream.run(handler: { _ in SSE.response(SSE.okStream) }) { upstream in
                try await withStoreProxy(world: world, upstream: upstream, configure: {
                    $0.time = TimeSource(now: { clock.date }, clock: clock)
                }) { proxy in
                    let lock = try DatabaseWriteLock(world.directory)
                    let answer = try await proxy.send(proxy.request(body: responsesBody()))
                    #expect(answer.status == 200)
                    // The renewal's pass (a minute) and the retry's first pause (250 ms) sleep on the test clock.
                    let sleepers = try await clock.waitForSleepers(count: 2)
                    #expect(sleepers.contains(TestClock.Instant(offset: .milliseconds(250))))
                    lock.release()
                    #expect(try world.store.decisions(requestID: nil, limit: 10).isEmpty, "not written yet")
                }
            }
            #expect(try world.store.decisions(requestID: nil, limit: 10).map(\.outcome) == [.success])
        }
    }

    /// Two requests fail on the same account at the same time: both failures count, so the backoff grows as it
    /// should (each request read the account with no failures before its attempt).
    @Test func simultaneousFailuresBothCount() async throws {
        let arrivals = Arrivals(expected: 2)
        try await RotationWorld.with(["A"]) { world in
            try await withTimeout(.seconds(45)) {
                try await FakeUpstream.run(handler: { _ in
                    await arrivals.arrive()
                    return TokenEndpoint.json(.internalServerError, #"{"error":{"message":"server error"}}"#)
                }) { upstream in
                    try await withStoreProxy(world: world, upstream: upstream) { proxy in
                        try await withThrowingTaskGroup(of: Int.self) { group in
                            for _ in 0..<2 {
                                group.addTask {
                                    try await proxy.send(proxy.request(body: responsesBody(conversation: nil))).status
                                }
                            }
                            for try await status in group { #expect(status != 200) }
                        }
                    }
                }
            }
            #expect(try world.account("A").consecutiveFailures == 2)
        }
    }

    /// The commit's bookkeeping (bindings, last use, decision row, usage ledger) is stored before the client has the
    /// stream's end: Codex sends the follow-up that
    /// echoes the turn state as soon as it has `response.completed`, and that follow-up must find the account that
    /// minted it. The upstream keeps the stream open after `response.completed`, so only a write made before that
    /// event went to the client can be seen here.
    @Test func theTurnStateBindingIsStoredBeforeTheClientHasTheEnd() async throws {
        let end = SSE.completed("resp_ts")
        let clientHasTheEnd = Gate()
        try await RotationWorld.with(["A"]) { world in
            try await withTimeout(.seconds(45)) {
                try await FakeUpstream.run(handler: { _ in
                    SSE.streaming(headers: [ConversationAffinityTestNames.turnState: "ts-minted"]) { writer in
                        try await writer.write(ByteBuffer(string: SSE.created("resp_ts") + end))
                        await clientHasTheEnd.wait()
                    }
                }) { upstream in
                    try await withStoreProxy(world: world, upstream: upstream) { proxy in
                        let request = Self.rawStreamingRequest(proxy)
                        let body = try await withRawConnection(port: proxy.port) { connection in
                            try connection.send(request)
                            _ = try connection.readHead()
                            return try connection.readChunks(atLeast: SSE.created("resp_ts").utf8.count + end.utf8.count)
                        }
                        #expect(String(decoding: body, as: UTF8.self).contains("response.completed"))
                        let key = ConversationAffinity.turnStateKey("ts-minted")
                        #expect(try world.store.boundAccount(forConversation: key, now: Date()) == world.id("A"))
                        let rows = try world.store.decisions(requestID: nil, limit: 10)
                        #expect(rows.map(\.outcome) == [.success])
                        #expect(rows.first?.bytes == body.count, "the row counts every byte relayed, the end included")
                        #expect(try world.account("A").lastUsedAt != nil)
                        let ledger = try world.store.ledger(since: .distantPast)
                        #expect(ledger.map(\.tokens.inputTokens) == [5] && ledger.map(\.accountID) == [world.id("A")])
                        clientHasTheEnd.open()
                    }
                }
            }
        }
    }

    // MARK: - Support

    private static func rawStreamingRequest(_ proxy: ProxyUnderTest) -> String {
        let body = responsesBody(conversation: nil)
        return "POST /v1/responses HTTP/1.1\r\nHost: 127.0.0.1:\(proxy.port)\r\nAuthorization: Bearer \(proxy.secret.text)\r\n"
            + "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
    }

    /// The first decision row matching `matches`, waiting for it (up to 10 s) while the proxy records it.
    private static func decision(
        in world: RotationWorld,
        where matches: (DecisionRecord) -> Bool
    ) async throws -> DecisionRecord {
        for _ in 0..<500 {
            if let record = try world.store.decisions(requestID: nil, limit: 50).first(where: matches) { return record }
            try await Task.sleep(for: .milliseconds(20))
        }
        let seen = try world.store.decisions(requestID: nil, limit: 50).map(\.outcome.rawValue)
        Issue.record("no matching decision row within 10 s; rows: \(seen)")
        throw TimedOut(limit: .seconds(10), what: "the decision row")
    }
}

/// Header names the fake upstream sets.
private enum ConversationAffinityTestNames {
    static let turnState = HTTPField.Name("x-codex-turn-state")!
}

/// Holds every arriving request until `expected` requests have arrived.
private final class Arrivals: Sendable {
    private struct State {
        var arrived = 0
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())
    private let expected: Int

    init(expected: Int) {
        self.expected = expected
    }

    func arrive() async {
        await withCheckedContinuation { continuation in
            let released = state.withLock { state -> [CheckedContinuation<Void, Never>] in
                state.arrived += 1
                state.waiting.append(continuation)
                guard state.arrived >= expected else { return [] }
                defer { state.waiting = [] }
                return state.waiting
            }
            for waiter in released { waiter.resume() }
        }
    }
}
