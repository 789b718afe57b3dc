import Foundation
import RotorCore
import RotorStore

/// What `rotor usage` shows: requests and tokens (input, cached input, output, reasoning) from the usage ledger,
/// grouped by account, model or local day, with a total.
struct UsageReport: Equatable {
    /// How rows are grouped.
    enum Grouping: String, CaseIterable {
        case account, model, day
    }

    /// One group's sums.
    struct Sums: Equatable {
        var requests = 0
        var input = 0
        var cachedInput = 0
        var output = 0
        var reasoning = 0

        mutating func add(_ tokens: TokenCounts) {
            requests += 1
            input += tokens.inputTokens ?? 0
            cachedInput += tokens.cachedInputTokens ?? 0
            output += tokens.outputTokens ?? 0
            reasoning += tokens.reasoningTokens ?? 0
        }
    }

    /// One row: what it groups (an account's name, a model, a `YYYY-MM-DD` day) and its sums.
    struct Row: Equatable {
        var key: String
        var accountID: AccountID?
        var sums: Sums
    }

    let grouping: Grouping
    /// The first local day counted.
    let since: Date
    let days: Int
    let rows: [Row]
    let total: Sums

    /// Sums `entries` from the start of the local day `days - 1` days before `now`, grouped by `grouping`. Rows are
    /// sorted by requests (most first) for accounts and models, by day (oldest first) for days.
    init(_ entries: [AccountStore.LedgerEntry], accounts: [Account], grouping: Grouping, days: Int, now: Date,
         timeZone: TimeZone)
    {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let today = calendar.startOfDay(for: now)
        let since = calendar.date(byAdding: .day, value: -(days - 1), to: today) ?? today
        let names = AccountNames(accounts)
        var groups: [String: Row] = [:]
        var total = Sums()
        for entry in entries where entry.time >= since {
            let key: String
            var accountID: AccountID?
            switch grouping {
            case .account:
                key = names.name(entry.accountID)
                accountID = entry.accountID
            case .model:
                key = entry.model ?? "unknown"
            case .day:
                key = ClockTime.day(entry.time, timeZone: timeZone)
            }
            groups[key, default: Row(key: key, accountID: accountID, sums: Sums())].sums.add(entry.tokens)
            total.add(entry.tokens)
        }
        self.grouping = grouping
        self.since = since
        self.days = days
        self.total = total
        self.rows = groups.values.sorted { left, right in
            if grouping == .day { return left.key < right.key }
            return (left.sums.requests, right.key) > (right.sums.requests, left.key)
        }
    }

    /// The `rotor usage --json` document (docs/usage-json.md), pretty-printed with sorted keys.
    func json(accounts: [Account]) throws -> String {
        let names = AccountNames(accounts)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let document = UsageJSON(
            by: grouping.rawValue, days: days, since: ClockTime.iso8601(since),
            rows: rows.map { row in
                UsageJSON.Group(
                    key: row.key,
                    account: row.accountID.map { DecisionLogJSON.AccountName(id: $0.rawValue, label: names.label($0)) },
                    sums: UsageJSON.Sums(row.sums))
            },
            total: UsageJSON.Sums(total))
        return String(decoding: try encoder.encode(document), as: UTF8.self) + "\n"
    }

    /// The table: a header, one line per group, then the total; columns separated by two spaces.
    func text(timeZone: TimeZone) -> String {
        let first = ClockTime.day(since, timeZone: timeZone)
        let title = "Requests and tokens since \(first) (\(days) day\(days == 1 ? "" : "s")), by \(grouping.rawValue):\n"
        guard total.requests > 0 else { return title + "No completed requests in that period.\n" }
        let header = [grouping.rawValue.uppercased(), "REQUESTS", "INPUT", "CACHED", "OUTPUT", "REASONING"]
        let lines = [header] + rows.map { Self.cells($0.key, $0.sums) } + [Self.cells("total", total)]
        let widths = header.indices.map { column in lines.map { $0[column].count }.max() ?? 0 }
        return title + lines.map { cells in
            cells.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                return column == 0 ? cell + pad : pad + cell
            }.joined(separator: "  ") + "\n"
        }.joined()
    }

    private static func cells(_ key: String, _ sums: Sums) -> [String] {
        [key] + [sums.requests, sums.input, sums.cachedInput, sums.output, sums.reasoning].map(String.init)
    }
}
