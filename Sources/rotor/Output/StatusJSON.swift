import Foundation
import RotorCore

/// The `rotor status --json` document, documented in docs/status-json.md.
///
/// Every field is always present (`null` when unknown). Times are UTC ISO 8601 with `Z`. Never carries a token.
struct StatusJSON: Encodable {
    struct Pool: Encodable {
        let ready: Int
        let reserved: Int
        let total: Int
        let nextReset: String?
        let weeklyLeftPercentOfOneAccount: Double

        enum CodingKeys: String, CodingKey {
            case ready, reserved, total
            case nextReset = "next_reset"
            case weeklyLeftPercentOfOneAccount = "weekly_left_percent_of_one_account"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(ready, forKey: .ready)
            try container.encode(reserved, forKey: .reserved)
            try container.encode(total, forKey: .total)
            try container.encode(nextReset, forKey: .nextReset)
            try container.encode(weeklyLeftPercentOfOneAccount, forKey: .weeklyLeftPercentOfOneAccount)
        }
    }

    struct Window: Encodable {
        let name: String?
        let windowMinutes: Int?
        let usedPercent: Double
        let resetsAt: String?

        enum CodingKeys: String, CodingKey {
            case name
            case windowMinutes = "window_minutes"
            case usedPercent = "used_percent"
            case resetsAt = "resets_at"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(windowMinutes, forKey: .windowMinutes)
            try container.encode(usedPercent, forKey: .usedPercent)
            try container.encode(resetsAt, forKey: .resetsAt)
        }
    }

    struct Entry: Encodable {
        let id: String
        let shortID: String
        let label: String
        let email: String
        let plan: String?
        let state: String
        let stateReason: String?
        let stateUntil: String?
        let windows: [Window]
        let usageObservedAt: String?
        let lastUsedAt: String?
        let today: UsageJSON.Sums
        let refreshError: String?

        enum CodingKeys: String, CodingKey {
            case id, label, email, plan, state, windows, today
            case shortID = "short_id"
            case stateReason = "state_reason"
            case stateUntil = "state_until"
            case usageObservedAt = "usage_observed_at"
            case lastUsedAt = "last_used_at"
            case refreshError = "refresh_error"
        }

        init(_ entry: StatusReport.Entry) {
            id = entry.account.id.rawValue
            shortID = entry.account.id.shortID
            label = entry.account.label
            email = entry.account.email
            plan = entry.account.plan
            state = entry.shown.name
            switch entry.shown.state {
            case .ready:
                stateReason = entry.shown.reservation?.detail
                stateUntil = entry.shown.reservedUntil.map(ClockTime.iso8601)
            case .cooling(let until, let reason):
                stateReason = reason.rawValue
                stateUntil = ClockTime.iso8601(until)
            case .needsLogin(let reason), .disabled(let reason):
                stateReason = reason
                stateUntil = nil
            }
            windows = entry.windows.map { window in
                Window(name: window.name?.description, windowMinutes: window.name?.minutes,
                       usedPercent: window.usedPercent, resetsAt: window.resetsAt.map(ClockTime.iso8601))
            }
            usageObservedAt = entry.usageObservedAt.map(ClockTime.iso8601)
            lastUsedAt = entry.account.lastUsedAt.map(ClockTime.iso8601)
            today = UsageJSON.Sums(entry.today)
            refreshError = entry.refreshError
        }

        func encode(to encoder: any Encoder) throws {
            // Spelled out so that absent values are written as null instead of being left out.
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(shortID, forKey: .shortID)
            try container.encode(label, forKey: .label)
            try container.encode(email, forKey: .email)
            try container.encode(plan, forKey: .plan)
            try container.encode(state, forKey: .state)
            try container.encode(stateReason, forKey: .stateReason)
            try container.encode(stateUntil, forKey: .stateUntil)
            try container.encode(windows, forKey: .windows)
            try container.encode(usageObservedAt, forKey: .usageObservedAt)
            try container.encode(lastUsedAt, forKey: .lastUsedAt)
            try container.encode(today, forKey: .today)
            try container.encode(refreshError, forKey: .refreshError)
        }
    }

    let generatedAt: String
    let pool: Pool
    let accounts: [Entry]

    enum CodingKeys: String, CodingKey {
        case pool, accounts
        case generatedAt = "generated_at"
    }

    init(_ report: StatusReport) {
        generatedAt = ClockTime.iso8601(report.now)
        pool = Pool(ready: report.pool.ready, reserved: report.pool.reserved, total: report.pool.total,
                    nextReset: report.pool.nextReset.map(ClockTime.iso8601),
                    // Rounded to a tenth, as the text prints it: the sum of differences carries binary noise.
                    weeklyLeftPercentOfOneAccount: (report.pool.weeklyLeftPercent * 10).rounded() / 10)
        accounts = report.entries.map(Entry.init)
    }
}

extension StatusReport {
    /// The `rotor status --json` document (docs/status-json.md), pretty-printed with sorted keys.
    func json() throws -> String {
        try encoded([.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]) + "\n"
    }

    /// The same document on one line, for `--watch --json` (JSON Lines).
    func jsonLine() throws -> String {
        try encoded([.sortedKeys, .withoutEscapingSlashes]) + "\n"
    }

    private func encoded(_ formatting: JSONEncoder.OutputFormatting) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = formatting
        return String(decoding: try encoder.encode(StatusJSON(self)), as: UTF8.self)
    }
}
