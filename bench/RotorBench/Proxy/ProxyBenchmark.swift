import Foundation
import Synchronization

/// What rotor adds to a request, measured in one run next to the same client talking to the upstream directly:
/// time to first byte at several concurrencies, requests per second, per-event delay and coalescing, one large
/// stream's throughput, memory idle and with 256 open streams, CPU per request, the same with 10, 100 and 1,000
/// accounts in the store, and (with `--callgrind`) instructions per proxied request.
///
/// `rotor-bench proxy [--rotor PATH] [--requests N] [--callgrind] [--callgrind-out FILE]`; PATH defaults to
/// `rotor` next to this executable (build both with `swift build -c release`); `--callgrind-out` also keeps
/// callgrind's profile of the measured requests in FILE.
enum ProxyBenchmark: Benchmark {
    static let name = "proxy"
    static let summary = "rotor proxy vs a direct connection: TTFB, requests/s, events, throughput, memory, CPU"

    static func run() async {
        let options = Options(CommandLine.arguments.dropFirst(2))
        do {
            try await BenchUpstream.run { upstream in
                let client = BenchClient.make()
                defer { Task { await client.shutdown() } }
                let direct = BenchClient.Target(name: "direct", url: upstream.baseURL + "/responses", bearer: "direct")
                var report = Report()
                let proxy = try ProxyProcess(rotor: options.rotor, upstream: upstream.baseURL, accounts: 10)
                defer { proxy.stop() }
                report.idleRSS = proxy.residentKiB
                _ = try await client.run("bench-fast", to: direct, count: 200, concurrency: 8)
                _ = try await client.run("bench-fast", to: proxy.target, count: 200, concurrency: 8)
                for concurrency in [1, 16, 64, 256] {
                    let count = max(options.requests, concurrency * 4)
                    let d = try await client.run("bench-fast", to: direct, count: count, concurrency: concurrency)
                    let r = try await client.run("bench-fast", to: proxy.target, count: count, concurrency: concurrency)
                    report.ttfb.append((concurrency, Summary(d.observations), Summary(r.observations)))
                }
                for concurrency in [32, 64] {
                    let count = options.requests * 2
                    let d = try await client.run("bench-fast", to: direct, count: count, concurrency: concurrency)
                    let r = try await client.run("bench-fast", to: proxy.target, count: count, concurrency: concurrency)
                    report.throughput.append((concurrency, rate(count, d.elapsed), rate(count, r.elapsed)))
                }
                // rotor's own CPU time (all its threads, from /proc/PID/stat, in clock ticks of 10 ms): at least
                // 1,000 requests keep the tick's rounding under a few percent.
                let cpuRequests = max(options.requests, 1000)
                let before = proxy.cpuTime
                _ = try await client.run("bench-fast", to: proxy.target, count: cpuRequests, concurrency: 1)
                report.cpuPerRequest = (proxy.cpuTime - before) / cpuRequests
                report.events = (
                    try await spacedDelays(client, direct, upstream), try await spacedDelays(client, proxy.target, upstream))
                let largeDirect = try await client.send("bench-large", to: direct)
                let largeRotor = try await client.send("bench-large", to: proxy.target)
                report.large = (megabytesPerSecond(largeDirect), megabytesPerSecond(largeRotor))
                report.openStreamsRSS = try await residentWithOpenStreams(256, client, proxy, upstream)
                proxy.stop()

                for accounts in [10, 100, 1000] {
                    let sized = try ProxyProcess(rotor: options.rotor, upstream: upstream.baseURL, accounts: accounts)
                    defer { sized.stop() }
                    _ = try await client.run("bench-fast", to: sized.target, count: 100, concurrency: 4)
                    let one = try await client.run("bench-fast", to: sized.target, count: options.requests, concurrency: 1)
                    let many = try await client.run("bench-fast", to: sized.target, count: options.requests * 2, concurrency: 32)
                    report.accounts.append((accounts, Summary(one.observations), rate(options.requests * 2, many.elapsed)))
                }
                if options.callgrind {
                    report.instructionsPerRequest = try await instructionsPerRequest(options, client, upstream)
                }
                report.print(rotor: options.rotor, requests: options.requests)
            }
        } catch {
            FileHandle.standardError.write(Data("rotor-bench proxy: \(error)\n".utf8))
            exit(1)
        }
    }

    /// Mean and worst delay from the upstream's send to the client's receive of the spaced events, and how many
    /// client reads held more than one event (coalescing).
    private static func spacedDelays(
        _ client: BenchClient,
        _ target: BenchClient.Target,
        _ upstream: BenchUpstream
    ) async throws -> EventFigures {
        var delays: [Duration] = []
        var coalesced = 0
        for _ in 0..<10 {
            let observation = try await client.send("bench-spaced", to: target)
            let sent = upstream.sentAt.withLock { $0 }
            for (id, received) in observation.receivedAt {
                if let sentAt = sent[id] { delays.append(sentAt.duration(to: received)) }
            }
            coalesced += observation.coalescedReads
        }
        delays.sort()
        return EventFigures(
            median: delays.isEmpty ? .zero : delays[delays.count / 2], worst: delays.last ?? .zero,
            coalescedReads: coalesced)
    }

    private static func residentWithOpenStreams(
        _ count: Int,
        _ client: BenchClient,
        _ proxy: ProxyProcess,
        _ upstream: BenchUpstream
    ) async throws -> Int {
        let target = proxy.target
        return try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<count {
                group.addTask { _ = try await client.send("bench-hold", to: target) }
            }
            // Until every stream is open at the upstream (bounded), then a moment for the first events to reach the
            // client.
            for _ in 0..<600 where upstream.heldCount < count {
                try await Task.sleep(for: .milliseconds(50))
            }
            guard upstream.heldCount == count else {
                throw BenchFailure("only \(upstream.heldCount) of \(count) streams opened")
            }
            try await Task.sleep(for: .milliseconds(500))
            let resident = proxy.residentKiB
            upstream.releaseHeld()
            try await group.waitForAll()
            return resident
        }
    }

    /// callgrind's instruction count per request of a warmed-up proxy serving `requests` requests one at a time:
    /// instrumentation is on only while those requests run, so start-up, warm-up (first connections, first reads)
    /// and shutdown are not counted.
    private static func instructionsPerRequest(
        _ options: Options,
        _ client: BenchClient,
        _ upstream: BenchUpstream
    ) async throws -> Int {
        let requests = 200
        let proxy = try ProxyProcess(rotor: options.rotor, upstream: upstream.baseURL, accounts: 10, callgrind: true)
        _ = try await client.run("bench-fast", to: proxy.target, count: 50, concurrency: 1)
        try await proxy.countInstructions {
            _ = try await client.run("bench-fast", to: proxy.target, count: requests, concurrency: 1)
        }
        guard let total = proxy.stop(keepingProfileAt: options.callgrindProfile) else {
            throw BenchFailure("no callgrind output (is valgrind installed?)")
        }
        return total / requests
    }

    private static func rate(_ count: Int, _ elapsed: Duration) -> Double {
        Double(count) / max(1e-9, elapsed.seconds)
    }

    private static func megabytesPerSecond(_ observation: BenchClient.Observation) -> Double {
        Double(observation.bytes) / 1_048_576 / max(1e-9, observation.total.seconds)
    }

    struct Options {
        var rotor = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appending(path: "rotor").path
        var requests = 300
        var callgrind = false
        /// Where to keep callgrind's profile of the measured requests (for `callgrind_annotate`).
        var callgrindProfile: String?

        init(_ arguments: ArraySlice<String>) {
            var remaining = arguments
            while let option = remaining.popFirst() {
                switch option {
                case "--rotor": rotor = remaining.popFirst() ?? rotor
                case "--requests": requests = remaining.popFirst().flatMap(Int.init) ?? requests
                case "--callgrind": callgrind = true
                case "--callgrind-out":
                    callgrind = true
                    callgrindProfile = remaining.popFirst()
                default:
                    FileHandle.standardError.write(Data("rotor-bench proxy: unknown option \(option)\n".utf8))
                    exit(64)
                }
            }
        }
    }
}

/// Median and 99th percentile of the time to first byte.
struct Summary {
    var p50: Duration
    var p99: Duration

    init(_ observations: [BenchClient.Observation]) {
        let sorted = observations.map(\.timeToFirstByte).sorted()
        p50 = sorted.isEmpty ? .zero : sorted[sorted.count / 2]
        p99 = sorted.isEmpty ? .zero : sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.99))]
    }
}

struct EventFigures {
    var median: Duration
    var worst: Duration
    var coalescedReads: Int
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }

    /// `1.23`: milliseconds with two decimals.
    var millisecondsText: String { String(format2: seconds * 1000) }
}
