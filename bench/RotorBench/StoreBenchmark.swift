import Foundation
import RotorCore
import RotorStore

/// What the proxy pays the store per request, on a real file (WAL): `accounts()` (read before every request) at 10
/// and 100 accounts, next to a one-row `account(_:)` read (the cost of any read transaction), and the writes after an
/// attempt (`recordSuccess`, `appendDecisions` with one record).
enum StoreBenchmark: Benchmark {
    static let name = "store"
    static let summary = "account store reads and writes per request on a WAL file (10 and 100 accounts)"

    static func run() {
        print("store per request (median / p99)")
        print("accounts".padded(8) + "accounts()".padded(24) + "account(id)".padded(24)
            + "recordSuccess".padded(24) + "appendDecisions(1)".padded(24))
        for size in [10, 100] {
            let directory = FileManager.default.temporaryDirectory.appending(path: "rotor-bench-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: directory) }
            do {
                try measure(size: size, directory: StateDirectory(url: directory))
            } catch {
                print("store benchmark failed: \(error)")
                exit(1)
            }
        }
    }

    private static func measure(size: Int, directory: StateDirectory) throws {
        let store = try AccountStore(directory: directory)
        let now = Date()
        var ids: [AccountID] = []
        for index in 0..<size {
            let login = AccountLogin(
                email: "a\(index)@example.com",
                chatgptAccountID: "acct-\(index)",
                plan: "plus",
                credentials: AccountCredentials(
                    idToken: String(repeating: "i", count: 1_500),
                    accessToken: String(repeating: "a", count: 1_500),
                    refreshToken: "rt-\(index)"
                )
            )
            let id = try store.saveLogin(login).account.id
            try store.recordUsage(
                UsageSnapshot(primary: UsageWindow(usedPercent: 42, windowMinutes: 300), observedAt: now), for: id
            )
            ids.append(id)
        }
        let iterations = 2_000
        var list = Timings(capacity: iterations)
        var single = Timings(capacity: iterations)
        var success = Timings(capacity: iterations)
        var decision = Timings(capacity: iterations)
        var sink = 0
        for iteration in 0..<iterations {
            let id = ids[iteration % ids.count]
            sink &+= list.measure { (try? store.accounts())?.count ?? 0 }
            sink &+= single.measure { (try? store.account(id)) == nil ? 0 : 1 }
            success.measure { try? store.recordSuccess(for: id, at: now) }
            let record = DecisionRecord(
                time: now, requestID: "r\(iteration)", attempt: 1, accountID: id, upstreamStatus: 200,
                outcome: .success, reason: "headroom"
            )
            decision.measure { try? store.appendDecisions([record]) }
        }
        print(String(size).padded(8) + figures(list).padded(24) + figures(single).padded(24)
            + figures(success).padded(24) + figures(decision).padded(24))
        if sink == 42 { print("") }
    }

    private static func figures(_ timings: Timings) -> String {
        "\(timings.percentile(0.5).microsecondsText) / \(timings.percentile(0.99).microsecondsText)"
    }
}
