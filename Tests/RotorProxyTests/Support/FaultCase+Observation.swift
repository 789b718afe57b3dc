import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import RotorCore
import RotorProxy
import RotorStore
import RotorTestSupport
import Testing

extension FaultCase {
    /// What one case showed: the table's cells and any mismatch with its expectations.
    struct Observation {
        var client: String
        var states: String
        var mismatches: [String]

        func recordMismatches() {
            for mismatch in mismatches { Issue.record(Comment(rawValue: mismatch)) }
        }
    }

    /// Runs the case (bounded) and compares what happened with its expectations.
    func observe() async -> Observation {
        do {
            return try await withTimeout(.seconds(100)) { try await run() }
        } catch {
            return Observation(client: "✗ \(error)", states: "—", mismatches: ["\(name): \(error)"])
        }
    }

    private func run() async throws -> Observation {
        let caFile = try TestTLS.caFile
        return try await RotationWorld.with(accounts) { world in
            try world.markRecentlyUsed(Array(accounts.dropFirst()))
            let start = Date()
            let answer: ClientAnswer
            switch upstream {
            case .http(let handler):
                answer = try await FakeUpstream.run(handler: handler) { upstream in
                    try await withStoreProxy(world: world, upstream: upstream, configure: { $0.timeouts = timeouts }) {
                        try await Self.send(through: $0, world: world, onFirstEvent: {})
                    }
                }
            case .connection(let connectionFault, let tls):
                answer = try await FakeUpstream.run(tls: tls, handler: { _ in SSE.response(SSE.okStream) }) { upstream in
                    try await ConnectionFaultInjector.run(connectionFault, relayingTo: upstream.port) { injector in
                        let first = world.id(accounts[0])
                        return try await withStoreProxy(
                            world: world,
                            upstream: upstream,
                            configure: {
                                $0.timeouts = timeouts
                                $0.upstreamURL = injector.baseURL(tls: tls)
                                $0.caFile = tls ? caFile : nil
                            },
                            willAttempt: { id in if id != first { try await injector.heal() } }
                        ) {
                            try await Self.send(through: $0, world: world, onFirstEvent: injector.clientReceivedFirstEvent)
                        }
                    }
                }
            }
            let end = Date()
            return try compare(answer, world: world, start: start, end: end)
        }
    }

    /// Sends one streaming request and reads the whole answer, calling `onFirstEvent` once the first event is in.
    private static func send(
        through proxy: ProxyUnderTest,
        world: RotationWorld,
        onFirstEvent: @Sendable () -> Void
    ) async throws -> ClientAnswer {
        let response = try await proxy.client.execute(proxy.request(body: responsesBody()), timeout: .seconds(90))
        var body: [UInt8] = []
        var parser = ServerSentEventParser()
        var awaitingFirstEvent = true
        for try await buffer in response.body {
            body += buffer.readableBytesView
            if awaitingFirstEvent, try parser.parse(buffer.readableBytesView).contains(where: { !$0.isKeepAlive }) {
                awaitingFirstEvent = false
                onFirstEvent()
            }
        }
        let account = response.headers["x-rotor-account"].first
        return ClientAnswer(
            status: Int(response.status.code),
            account: world.ids.first { $0.value.shortID == account }?.key,
            attempts: response.headers["x-rotor-attempts"].first.flatMap { Int($0) },
            retryAfter: response.headers["retry-after"].first.flatMap { Int($0) },
            body: body
        )
    }

    /// The table's cells for what happened, and every way it differs from the case's expectations.
    private func compare(_ answer: ClientAnswer, world: RotationWorld, start: Date, end: Date) throws -> Observation {
        var mismatches: [String] = []
        var clientCell = client.description
        if let wrong = client.mismatch(answer) {
            mismatches.append("\(name): client: \(wrong)")
            clientCell = "✗ \(answer.summary)"
        }
        let names = Dictionary(uniqueKeysWithValues: world.ids.map { ($0.value, $0.key) })
        let logged = try world.store.decisions(requestID: nil, limit: 20).reversed()
            .map { "\($0.accountID.flatMap { names[$0] } ?? "-") \($0.outcome)" }
        if logged != decisions {
            mismatches.append("\(name): decision log \(logged), expected \(decisions)")
        }
        clientCell += " — log: " + logged.map { "`\($0)`" }.joined(separator: ", ")
        var stateCells: [String] = []
        for account in accounts {
            let expected = states[account] ?? .unused
            let refreshToken = try world.store.credentials(for: world.id(account))?.refreshToken
            if let wrong = expected.mismatch(try world.account(account), refreshToken: refreshToken, start: start,
                                             end: end) {
                mismatches.append("\(name): account \(account): \(wrong)")
                stateCells.append("\(account): ✗ \(wrong)")
            } else {
                stateCells.append("\(account): \(expected)")
            }
        }
        return Observation(client: clientCell, states: stateCells.joined(separator: "; "), mismatches: mismatches)
    }
}
