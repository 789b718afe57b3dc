import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Sends benchmark requests to one target (the upstream directly, or rotor) and times them.
struct BenchClient: Sendable {
    /// Where requests go and with which bearer.
    struct Target: Sendable {
        var name: String
        var url: String
        var bearer: String
    }

    /// What one streamed request observed.
    struct Observation: Sendable {
        /// From sending the request to the first body bytes.
        var timeToFirstByte: Duration
        /// From sending the request to the end of the body.
        var total: Duration
        var bytes: Int
        /// Body reads that held more than one of the 5 ms-spaced events (`bench-spaced` only).
        var coalescedReads: Int
        /// Receive instants of the `bench-spaced` events, by event id.
        var receivedAt: [String: ContinuousClock.Instant]
    }

    let client: HTTPClient

    /// A client with a pool large enough for the highest concurrency measured.
    static func make() -> BenchClient {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 512)
        configuration.decompression = .disabled
        return BenchClient(client: HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration))
    }

    func shutdown() async {
        try? await client.shutdown()
    }

    /// One streamed request with `model` picking the upstream's answer.
    func send(_ model: String, to target: Target) async throws -> Observation {
        var request = HTTPClientRequest(url: target.url)
        request.method = .POST
        request.headers.add(name: "authorization", value: "Bearer \(target.bearer)")
        request.headers.add(name: "content-type", value: "application/json")
        request.headers.add(name: "accept", value: "text/event-stream")
        request.body = .bytes(ByteBuffer(string: #"{"model":"\#(model)","input":"hi","stream":true,"store":false,"include":["reasoning.encrypted_content"]}"#))
        let clock = ContinuousClock()
        let start = clock.now
        let response = try await client.execute(request, timeout: .seconds(120))
        guard response.status == .ok else { throw BenchFailure("\(target.name) answered \(response.status)") }
        var first: Duration?
        var bytes = 0
        var coalesced = 0
        var receivedAt: [String: ContinuousClock.Instant] = [:]
        for try await buffer in response.body {
            let now = clock.now
            if first == nil { first = start.duration(to: now) }
            bytes += buffer.readableBytes
            // Only the spaced events are looked at: decoding every read would make the client, which shares the
            // machine with rotor, part of what the other figures measure.
            if model == "bench-spaced" {
                let ids = Self.spacedIDs(in: String(buffer: buffer))
                // The upstream writes its last delta and `response.completed` back to back, so only two spaced
                // deltas in one read are coalescing.
                if ids.count > 1 { coalesced += 1 }
                for id in ids { receivedAt[id] = now }
            }
        }
        return Observation(
            timeToFirstByte: first ?? start.duration(to: clock.now), total: start.duration(to: clock.now),
            bytes: bytes, coalescedReads: coalesced, receivedAt: receivedAt)
    }

    /// `count` requests from `concurrency` concurrent senders; the observations, and the wall time.
    func run(
        _ model: String,
        to target: Target,
        count: Int,
        concurrency: Int
    ) async throws -> (observations: [Observation], elapsed: Duration) {
        let clock = ContinuousClock()
        let start = clock.now
        let observations = try await withThrowingTaskGroup(of: [Observation].self) { group in
            for sender in 0..<concurrency {
                // Each sender takes an equal share; the first ones take the remainder.
                let share = count / concurrency + (sender < count % concurrency ? 1 : 0)
                group.addTask {
                    var mine: [Observation] = []
                    for _ in 0..<share { mine.append(try await send(model, to: target)) }
                    return mine
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        return (observations, start.duration(to: clock.now))
    }

    private static func spacedIDs(in text: String) -> [String] {
        text.components(separatedBy: #""delta":""#).dropFirst().map { String($0.prefix { $0 != "\"" }) }
    }
}

/// A benchmark step that could not be measured.
struct BenchFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
