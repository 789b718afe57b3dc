import Foundation
import RotorCore
import RotorStore

/// `rotor policy simulate`: the policy in force, and a candidate when given, replayed over the same recorded traffic,
/// side by side (docs/routing.md, "Simulating a policy"; the JSON form in docs/policy-simulate-json.md).
struct PolicySimulationReport {
    /// One policy and what it did.
    struct Column {
        /// `in force` or `candidate`.
        var title: String
        var policy: RoutingPolicy
        var outcome: PolicySimulation.Outcome
    }

    var traffic: RecordedTraffic
    var inForce: Column
    /// The policy compared with the one in force (`--policy`), if any.
    var candidate: Column?

    /// The columns, the policy in force first.
    var columns: [Column] { [inForce] + (candidate.map { [$0] } ?? []) }

    /// Replays `traffic` under the policy in force and, when given, a candidate.
    init(traffic: RecordedTraffic, inForce: RoutingPolicy, candidate: RoutingPolicy?) {
        self.traffic = traffic
        self.inForce = Column(title: "in force", policy: inForce, outcome: traffic.simulation.run(policy: inForce))
        self.candidate = candidate.map {
            Column(title: "candidate", policy: $0, outcome: traffic.simulation.run(policy: $0))
        }
    }

    /// The windows the simulated accounts have, shortest first.
    var windows: [UsageWindowName] {
        Array(Set(traffic.simulation.accounts.flatMap { $0.windows.map(\.name) })).sorted()
    }

    /// The table: a header that says what was replayed, then one row per figure, one column per policy.
    func text(now: Date, timeZone: TimeZone) -> String {
        let simulation = traffic.simulation
        var lines: [String] = []
        let span = "\(ClockTime.format(simulation.start, now: now, timeZone: timeZone)) to "
            + "\(ClockTime.format(simulation.end, now: now, timeZone: timeZone))"
        lines.append("Replayed \(simulation.requests.count) served requests of \(span) "
            + "(\(Self.days(traffic.days))) over \(simulation.accounts.count) accounts.")
        if traffic.isClipped {
            let since = ClockTime.format(simulation.start, now: now, timeZone: timeZone)
            let kept = AccountStore.DecisionRetention()
            lines.append(traffic.isClippedToDecisionLog
                ? "The decision log holds served requests from \(since) on (it keeps "
                    + "\(kept.maximumAge.components.seconds / 86_400) days and at most "
                    + "\(DecisionLogText.grouped(kept.maximumCount)) decisions), less than the "
                    + "\(traffic.requestedDays) days asked: simulating \(Self.days(traffic.days))."
                : "The history holds \(Self.days(traffic.days)) from \(since) on, less than the "
                    + "\(traffic.requestedDays) asked: simulating those.")
        }
        lines.append(costs())
        lines.append("")
        let columns = columns
        var rows: [[String]] = [[""] + columns.map(\.title)]
        func row(_ name: String, _ value: (Column) -> String) { rows.append([name] + columns.map(value)) }
        row("strategy") { $0.policy.strategy.name }
        row("reserves") { Self.reserves($0.policy.reserves) }
        row("when all reserved") { $0.policy.whenAllReserved.name }
        row("policy version") { $0.policy.version }
        row("requests served") { "\($0.outcome.served)" }
        row("requests on a dry pool") { "\($0.outcome.dry)" }
        row("served before first dry") { "\($0.outcome.servedBeforeFirstDry)" }
        row("minutes with a dry pool") { "\($0.outcome.dryMinutes)" }
        row("account switches") { "\($0.outcome.switches)" }
        for window in windows {
            row("unused at \(window) resets") { Self.unused($0.outcome.unusedAtResets[window]) }
        }
        for (index, account) in simulation.accounts.enumerated() {
            rows.append([account.label])
            let settings = columns.map(\.policy).contains {
                $0.priorities[account.id] != nil || $0.accountReserves[account.id] != nil
            }
            if settings {
                row("  priority") { "\($0.policy.priority(of: account.id))" }
                row("  own reserves") { $0.policy.accountReserves[account.id].map(Self.reserves) ?? "as the pool" }
            }
            row("  requests") { "\($0.outcome.accounts[index].requests)" }
            row("  first exhausted") {
                $0.outcome.accounts[index].firstExhaustedAt.map {
                    ClockTime.format($0, now: now, timeZone: timeZone)
                } ?? "never"
            }
            for window in account.windows.map(\.name) {
                row("  unused at \(window) resets") { Self.unused($0.outcome.accounts[index].unusedAtResets[window]) }
            }
        }
        let widths = (0...columns.count).map { column in rows.map { $0.count > column ? $0[column].count : 0 }.max() ?? 0 }
        for cells in rows {
            let line = widths.indices.map { Self.pad($0 < cells.count ? cells[$0] : "", widths[$0]) }
                .joined(separator: "  ")
            lines.append(String(line.reversed().drop { $0 == " " }.reversed()))
        }
        lines.append("")
        lines.append("Unused at resets: 100 − the used % of a window when it starts over, summed over the span's resets.")
        return lines.joined(separator: "\n") + "\n"
    }

    /// `Cost of a request, estimated from the usage history: plus: 5h 0.8%, weekly 0.1%; pro: …`, one entry per
    /// plan of the simulated accounts; without usage history (no account has a window) the costs are unknown.
    private func costs() -> String {
        guard traffic.simulation.accounts.contains(where: { !$0.windows.isEmpty }) else {
            return "Cost of a request: no usage history: costs unknown."
        }
        var seen: [String] = []
        var parts: [String] = []
        for account in traffic.simulation.accounts where !seen.contains(account.plan ?? "") {
            seen.append(account.plan ?? "")
            let windows = account.windows.map { "\($0.name) \(Self.cost($0.costPerRequest))" }
            parts.append("\(account.plan ?? "plan unknown"): " + windows.joined(separator: ", "))
        }
        return "Cost of a request, estimated from the usage history: "
            + (parts.isEmpty ? "no accounts." : parts.joined(separator: "; "))
    }

    /// Quota unused at a window's resets, or `no reset` when it had none in the span (not 0 %: nothing was lost).
    static func unused(_ percent: Double?) -> String {
        percent.map { PercentText($0).description } ?? "no reset"
    }

    /// A cost in percent with up to three decimals: a request is often a small fraction of a weekly window.
    static func cost(_ percent: Double) -> String {
        PercentText(percent, decimals: 3).description
    }

    /// `5h 20%, weekly 30%`, or `none`.
    static func reserves(_ reserves: [UsageWindowName: Double]) -> String {
        let kept = reserves.filter { $0.value > 0 }.sorted { $0.key < $1.key }
        return kept.isEmpty ? "none" : kept.map { "\($0.key) \(PercentText($0.value))" }.joined(separator: ", ")
    }

    /// `7 days`, `1 day`, `2.5 days`.
    static func days(_ days: Double) -> String {
        let tenths = (days * 10).rounded() / 10
        let number = tenths == tenths.rounded() ? "\(Int(tenths))" : "\(tenths)"
        return number == "1" ? "1 day" : "\(number) days"
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - text.count))
    }
}
