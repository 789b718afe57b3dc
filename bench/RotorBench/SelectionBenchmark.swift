import Foundation
import RotorCore

/// Account selection per request at 10, 100 and 1,000 accounts: `RequestRouting.StateMachine.next` (what the proxy
/// runs per request) without a config file and under a routing policy with reserves (``policy``),
/// `AccountSelection.choose` alone, and a baseline loop that only finds the oldest `lastUsedAt`. The pool mixes ready
/// accounts with usage windows, cooling, used-up, needs-login and disabled ones.
enum SelectionBenchmark: Benchmark {
    static let name = "selection"
    static let summary = "account selection time per request at 10, 100 and 1,000 accounts"

    static func run() {
        print("account selection per request (median / p99)")
        print("accounts".padded(8) + "routing.next".padded(24) + "routing.next, policy".padded(24)
            + "selection.choose".padded(24) + "baseline scan".padded(24) + "iterations".padded(12))
        let policy = PolicyInForce(Self.policy)
        var sink = 0
        for size in [10, 100, 1_000] {
            let iterations = size >= 1_000 ? 20_000 : 100_000
            let accounts = pool(size: size)
            let now = Date(timeIntervalSince1970: 1_767_225_600)
            var routing = Timings(capacity: iterations)
            var routingWithPolicy = Timings(capacity: iterations)
            var selection = Timings(capacity: iterations)
            var baseline = Timings(capacity: iterations)
            for iteration in 0..<iterations {
                let request = RequestRouting.Request(requestID: "r\(iteration)")
                let step = routing.measure {
                    var machine = RequestRouting.StateMachine(request: request, startedAt: now)
                    return machine.next(accounts: accounts, now: now)
                }
                if case .attempt(let plan) = step { sink &+= plan.account.hashValue }
                let underPolicy = routingWithPolicy.measure {
                    var machine = RequestRouting.StateMachine(request: request, policy: policy, startedAt: now)
                    return machine.next(accounts: accounts, now: now)
                }
                if case .attempt(let plan) = underPolicy { sink &+= plan.account.hashValue }
                let choice = selection.measure { AccountSelection().choose(from: accounts, now: now) }
                sink &+= choice?.account.hashValue ?? 0
                let oldest = baseline.measure { oldestIndex(accounts) }
                sink &+= oldest
            }
            print(String(size).padded(8) + figures(routing).padded(24) + figures(routingWithPolicy).padded(24)
                + figures(selection).padded(24)
                + figures(baseline).padded(24) + String(iterations).padded(12))
        }
        if sink == 42 { print("") }
    }

    /// A policy that makes selection do all its work: reset-first (a binding window per account), a reserve in
    /// both windows (a reservation check per account; about a third of the pool at a reserve) and a priority.
    static let policy = RoutingPolicy(strategy: .resetFirst, reserves: [.fiveHours: 10, .weekly: 30],
                                      priorities: [:], whenAllReserved: .useReserve)

    /// The baseline: one pass that only compares `lastUsedAt`, the least any selection must do.
    @inline(never)
    private static func oldestIndex(_ accounts: [Account]) -> Int {
        var oldest = 0
        for index in accounts.indices
        where (accounts[index].lastUsedAt ?? .distantPast) < (accounts[oldest].lastUsedAt ?? .distantPast) {
            oldest = index
        }
        return oldest
    }

    private static func figures(_ timings: Timings) -> String {
        "\(timings.percentile(0.5).microsecondsText) / \(timings.percentile(0.99).microsecondsText)"
    }

    /// A pool of `size` accounts: 70 % ready with usage windows, 10 % cooling, 10 % used up, 5 % needs-login, 5 % disabled.
    static func pool(size: Int) -> [Account] {
        let now = Date(timeIntervalSince1970: 1_767_225_600)
        var generator = SystemRandomNumberGenerator()
        return (0..<size).map { n in
            let slot = n % 20
            let lastUsed = now.addingTimeInterval(-Double.random(in: 0...86_400, using: &generator))
            let usage = UsageSnapshot(
                primary: UsageWindow(usedPercent: Double.random(in: 0...99, using: &generator), windowMinutes: 300,
                                     resetsAt: now.addingTimeInterval(3_600)),
                secondary: UsageWindow(usedPercent: slot == 3 || slot == 4 ? 100 : Double.random(in: 0...99, using: &generator),
                                       windowMinutes: 10_080, resetsAt: now.addingTimeInterval(86_400)),
                observedAt: now)
            let status: AccountStatus = slot == 5 ? .needsLogin(reason: "revoked") : slot == 6 ? .disabled(reason: "user") : .ready
            let cooldown = slot < 2 ? Cooldown(until: now.addingTimeInterval(600), reason: .rateLimit) : nil
            return Account(
                id: AccountID(UUID()), label: "account-\(n)", email: "a\(n)@example.com", chatgptAccountID: "c\(n)",
                status: status, cooldown: cooldown, lastUsedAt: lastUsed, usage: usage,
                createdAt: now.addingTimeInterval(-86_400))
        }
    }
}
