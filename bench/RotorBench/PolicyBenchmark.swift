import Foundation
import RotorCore
import RotorTestSupport

/// The four strategies over fixed, seeded, week-long synthetic workloads, replayed by ``PolicySimulation`` (the
/// engine of `rotor policy simulate`): requests served before the pool first runs dry, minutes with a dry pool,
/// and quota left unused at resets. Deterministic: the same seeds print the same table.
enum PolicyBenchmark: Benchmark {
    static let name = "policy"
    static let summary = "routing strategies over seeded week-long workloads: served before dry, dry minutes, waste"

    /// 2026-01-05T00:00:00Z, a Monday.
    static let start = Date(timeIntervalSince1970: 1_767_571_200)
    static let week: TimeInterval = 7 * 86_400

    /// A plan's cost of one request, in percent of each window.
    struct Plan {
        var name: String
        var fiveHours: Double
        var weekly: Double
    }

    static let plus = Plan(name: "plus", fiveHours: 2, weekly: 0.3)
    static let pro = Plan(name: "pro", fiveHours: 0.4, weekly: 0.06)

    /// One workload: a pool and a demand.
    struct Workload {
        var name: String
        var seed: UInt64
        var accounts: [PolicySimulation.SimulatedAccount]
        var requests: [Date]
        var why: String
    }

    static func run() {
        let strategies = RoutingPolicy.Strategy.allCases
        for workload in workloads() {
            print("\(workload.name) (seed \(workload.seed)): \(workload.requests.count) requests over 7 days, "
                + "\(workload.accounts.count) accounts (" + workload.accounts.map {
                    "\($0.label) \($0.plan ?? "?")"
                }.joined(separator: ", ") + ")")
            print("  " + workload.why)
            print("  " + "strategy".leftAligned(14) + "served before dry".padded(19) + "served".padded(9)
                + "dry min".padded(9) + "unused 5h".padded(11) + "unused weekly".padded(15)
                + "(in requests)".padded(15) + "switches".padded(10))
            let simulation = PolicySimulation(
                accounts: workload.accounts, requests: workload.requests, start: start, end: start + week)
            for strategy in strategies {
                let outcome = simulation.run(policy: RoutingPolicy(strategy: strategy))
                let unused = outcome.unusedAtResets
                print("  " + strategy.name.leftAligned(14) + String(outcome.servedBeforeFirstDry).padded(19)
                    + String(outcome.served).padded(9) + String(outcome.dryMinutes).padded(9)
                    + PercentText(unused[.fiveHours] ?? 0).description.padded(11)
                    + PercentText(unused[.weekly] ?? 0).description.padded(15)
                    + String(Int(unusedRequests(outcome, of: workload.accounts, in: .weekly).rounded())).padded(15)
                    + String(outcome.switches).padded(10))
            }
            print("")
        }
    }

    /// The unused quota of `window` at resets in requests rather than percent: each account's unused percentage
    /// divided by what one request costs of it (a percent of a pro window holds more requests than one of plus).
    static func unusedRequests(
        _ outcome: PolicySimulation.Outcome, of accounts: [PolicySimulation.SimulatedAccount], in window: UsageWindowName
    ) -> Double {
        zip(outcome.accounts, accounts).reduce(0) { total, pair in
            let cost = pair.1.windows.first { $0.name == window }?.costPerRequest ?? 0
            return cost > 0 ? total + (pair.0.unusedAtResets[window] ?? 0) / cost : total
        }
    }

    static func workloads() -> [Workload] {
        [
            Workload(
                name: "steady, staggered resets", seed: 1, accounts: staggeredPool(seed: 1),
                requests: steady(seed: 1, meanGap: 75),
                why: "10 working hours a day, a request every 75 s on average; weekly resets 1.7 days apart"),
            Workload(
                name: "bursty, staggered resets", seed: 2, accounts: staggeredPool(seed: 2),
                requests: bursty(seed: 2),
                why: "2 to 4 sessions a day of 30 to 120 min, a request every 20 s on average; weekly resets "
                    + "1.7 days apart"),
            Workload(
                name: "steady, aligned resets", seed: 3, accounts: alignedPool(),
                requests: steady(seed: 3, meanGap: 150),
                why: "half the first's demand; four plus accounts equally used (40 % of the week), every window "
                    + "resetting at the same instants"),
        ]
    }

    /// Two plus and two pro accounts; weekly windows reset 1.7 days apart (the first on day 1) and start at
    /// seeded levels, 5h windows 75 minutes apart.
    static func staggeredPool(seed: UInt64) -> [PolicySimulation.SimulatedAccount] {
        var generator = SeededGenerator(seed: seed)
        let plans = [plus, pro, plus, pro]
        return plans.indices.map { index in
            let weeklyReset = start + 86_400 + Double(index) * 1.7 * 86_400
            let fiveHourReset = start + 3_600 + Double(index) * 75 * 60
            return account(index, plan: plans[index],
                           weeklyUsed: Double.random(in: 20...70, using: &generator), weeklyReset: weeklyReset,
                           fiveHourReset: fiveHourReset)
        }
    }

    /// Four plus accounts at 40 % of their week, every window resetting at the same instants.
    static func alignedPool() -> [PolicySimulation.SimulatedAccount] {
        (0..<4).map { index in
            account(index, plan: plus, weeklyUsed: 40, weeklyReset: start + 3 * 86_400, fiveHourReset: start + 3_600)
        }
    }

    static func account(_ index: Int, plan: Plan, weeklyUsed: Double, weeklyReset: Date, fiveHourReset: Date)
        -> PolicySimulation.SimulatedAccount
    {
        PolicySimulation.SimulatedAccount(
            id: AccountID("00000000-0000-4000-8000-00000000000\(index + 1)")!, label: "acct\(index + 1)",
            plan: plan.name,
            windows: [
                .init(name: .fiveHours, usedPercent: 0, resets: [fiveHourReset], costPerRequest: plan.fiveHours),
                .init(name: .weekly, usedPercent: weeklyUsed, resets: [weeklyReset], costPerRequest: plan.weekly),
            ])
    }

    /// Each day from 09:00 to 19:00, requests with exponential gaps of mean `meanGap` seconds.
    static func steady(seed: UInt64, meanGap: Double) -> [Date] {
        var generator = SeededGenerator(seed: seed)
        var requests: [Date] = []
        for day in 0..<7 {
            let open = start + Double(day) * 86_400 + 9 * 3_600
            var time = open
            while true {
                time += exponential(mean: meanGap, using: &generator)
                guard time < open + 10 * 3_600 else { break }
                requests.append(time)
            }
        }
        return requests
    }

    /// Each day 2 to 4 sessions of 30 to 120 minutes starting between 08:00 and 22:00, with exponential gaps of
    /// mean 20 s inside a session.
    static func bursty(seed: UInt64) -> [Date] {
        var generator = SeededGenerator(seed: seed)
        var requests: [Date] = []
        for day in 0..<7 {
            for _ in 0..<Int.random(in: 2...4, using: &generator) {
                let begin = start + Double(day) * 86_400 + Double.random(in: 8...22, using: &generator) * 3_600
                let end = begin + Double.random(in: 30...120, using: &generator) * 60
                var time = begin
                while true {
                    time += exponential(mean: 20, using: &generator)
                    guard time < end else { break }
                    requests.append(time)
                }
            }
        }
        return requests.sorted()
    }

    static func exponential(mean: Double, using generator: inout SeededGenerator) -> Double {
        -mean * log(1 - Double.random(in: 0..<1, using: &generator))
    }
}

extension String {
    /// The text left-aligned in `width` columns.
    func leftAligned(_ width: Int) -> String {
        self + String(repeating: " ", count: max(0, width - count))
    }
}
