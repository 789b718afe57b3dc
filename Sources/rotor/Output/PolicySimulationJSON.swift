import Foundation
import RotorCore

/// The `rotor policy simulate --json` document, documented in docs/policy-simulate-json.md. Every field is always
/// present (`null` when it has no value); keys never change.
struct PolicySimulationJSON: Encodable {
    struct Account: Encodable {
        let id: String
        let label: String
        let plan: String?
        let costPerRequest: [String: Double]

        enum CodingKeys: String, CodingKey {
            case id, label, plan
            case costPerRequest = "cost_per_request_percent"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(label, forKey: .label)
            try container.encode(plan, forKey: .plan)
            try container.encode(costPerRequest, forKey: .costPerRequest)
        }
    }

    struct AccountOutcome: Encodable {
        let id: String
        let label: String
        let requests: Int
        let firstExhaustedAt: String?
        let unusedAtResets: [String: Double?]

        enum CodingKeys: String, CodingKey {
            case id, label, requests
            case firstExhaustedAt = "first_exhausted_at"
            case unusedAtResets = "unused_at_resets_percent"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(label, forKey: .label)
            try container.encode(requests, forKey: .requests)
            try container.encode(firstExhaustedAt, forKey: .firstExhaustedAt)
            try container.encode(unusedAtResets, forKey: .unusedAtResets)
        }
    }

    struct Policy: Encodable {
        let strategy: String
        let reserves: [String: Double]
        let whenAllReserved: String
        let version: String
        let canonical: String
        let served: Int
        let dryRequests: Int
        let servedBeforeFirstDry: Int
        let firstDryRequestAt: String?
        let dryMinutes: Int
        let switches: Int
        let unusedAtResets: [String: Double?]
        let accounts: [AccountOutcome]

        enum CodingKeys: String, CodingKey {
            case strategy, reserves, version, canonical, served, switches, accounts
            case whenAllReserved = "when_all_reserved"
            case dryRequests = "dry_requests"
            case servedBeforeFirstDry = "served_before_first_dry"
            case firstDryRequestAt = "first_dry_request_at"
            case dryMinutes = "dry_minutes"
            case unusedAtResets = "unused_at_resets_percent"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(strategy, forKey: .strategy)
            try container.encode(reserves, forKey: .reserves)
            try container.encode(whenAllReserved, forKey: .whenAllReserved)
            try container.encode(version, forKey: .version)
            try container.encode(canonical, forKey: .canonical)
            try container.encode(served, forKey: .served)
            try container.encode(dryRequests, forKey: .dryRequests)
            try container.encode(servedBeforeFirstDry, forKey: .servedBeforeFirstDry)
            try container.encode(firstDryRequestAt, forKey: .firstDryRequestAt)
            try container.encode(dryMinutes, forKey: .dryMinutes)
            try container.encode(switches, forKey: .switches)
            try container.encode(unusedAtResets, forKey: .unusedAtResets)
            try container.encode(accounts, forKey: .accounts)
        }

        init(_ column: PolicySimulationReport.Column, report: PolicySimulationReport) {
            let policy = column.policy
            let outcome = column.outcome
            strategy = policy.strategy.name
            reserves = PolicySimulationJSON.byName(policy.reserves.filter { $0.value > 0 })
            whenAllReserved = policy.whenAllReserved.name
            version = policy.version
            canonical = policy.canonicalJSON
            served = outcome.served
            dryRequests = outcome.dry
            servedBeforeFirstDry = outcome.servedBeforeFirstDry
            firstDryRequestAt = outcome.firstDryRequestAt.map(ClockTime.iso8601)
            dryMinutes = outcome.dryMinutes
            switches = outcome.switches
            unusedAtResets = PolicySimulationJSON.unused(outcome.unusedAtResets, windows: report.windows)
            accounts = zip(outcome.accounts, report.traffic.simulation.accounts).map { outcome, account in
                AccountOutcome(id: outcome.id.rawValue, label: outcome.label, requests: outcome.requests,
                               firstExhaustedAt: outcome.firstExhaustedAt.map(ClockTime.iso8601),
                               unusedAtResets: PolicySimulationJSON.unused(
                                   outcome.unusedAtResets, windows: account.windows.map(\.name)))
            }
        }
    }

    let since: String
    let until: String
    let days: Double
    let requestedDays: Int
    let clipped: Bool
    let requests: Int
    let accounts: [Account]
    let inForce: Policy
    let candidate: Policy?

    enum CodingKeys: String, CodingKey {
        case since, until, days, clipped, requests, accounts, candidate
        case requestedDays = "requested_days"
        case inForce = "in_force"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(since, forKey: .since)
        try container.encode(until, forKey: .until)
        try container.encode(days, forKey: .days)
        try container.encode(requestedDays, forKey: .requestedDays)
        try container.encode(clipped, forKey: .clipped)
        try container.encode(requests, forKey: .requests)
        try container.encode(accounts, forKey: .accounts)
        try container.encode(inForce, forKey: .inForce)
        try container.encode(candidate, forKey: .candidate)
    }

    init(_ report: PolicySimulationReport) {
        let simulation = report.traffic.simulation
        since = ClockTime.iso8601(simulation.start)
        until = ClockTime.iso8601(simulation.end)
        days = (report.traffic.days * 10).rounded() / 10
        requestedDays = report.traffic.requestedDays
        clipped = report.traffic.isClipped
        requests = simulation.requests.count
        accounts = simulation.accounts.map { account in
            Account(id: account.id.rawValue, label: account.label, plan: account.plan,
                    costPerRequest: Dictionary(uniqueKeysWithValues: account.windows.map {
                        ($0.name.description, ($0.costPerRequest * 1_000).rounded() / 1_000)
                    }))
        }
        inForce = Policy(report.inForce, report: report)
        candidate = report.candidate.map { Policy($0, report: report) }
    }

    /// Quota unused at resets for each of `windows`, rounded to a tenth as the text prints it; `null` for a window
    /// without a reset in the span.
    static func unused(_ values: [UsageWindowName: Double], windows: [UsageWindowName]) -> [String: Double?] {
        Dictionary(uniqueKeysWithValues: windows.map { name in
            (name.description, values[name].map { ($0 * 10).rounded() / 10 })
        })
    }

    /// A per-window map keyed by the window's name, rounded to a tenth as the text prints it.
    static func byName(_ values: [UsageWindowName: Double]) -> [String: Double] {
        Dictionary(uniqueKeysWithValues: values.map { ($0.key.description, ($0.value * 10).rounded() / 10) })
    }
}

extension PolicySimulationReport {
    /// The `--json` document, pretty-printed with sorted keys.
    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(PolicySimulationJSON(self)), as: UTF8.self) + "\n"
    }
}
