import Foundation
import RotorCore
import RotorStore
import Testing

@testable import rotor

/// `rotor usage` on a fixed clock: sums per account, model and local day, and the period's edge.
struct UsageReportTests {
    static let now = DecisionLogTextTests.now
    static let paris = DecisionLogTextTests.paris
    static let a = DecisionLogTextTests.a
    static let b = DecisionLogTextTests.b

    static func entry(_ hoursAgo: Double, _ id: AccountID, _ model: String?, input: Int, output: Int) -> AccountStore.LedgerEntry {
        AccountStore.LedgerEntry(
            time: now.addingTimeInterval(-hoursAgo * 3600), accountID: id, model: model,
            tokens: TokenCounts(inputTokens: input, cachedInputTokens: input / 2, outputTokens: output,
                                reasoningTokens: output / 4, model: model))
    }

    /// Two days in Paris: 13:00 today, 01:00 today (23:00 UTC yesterday), yesterday, and one before the period.
    static let entries = [
        entry(24 * 3, a, "gpt-old", input: 1, output: 1),
        entry(30, a, "gpt-5-codex", input: 100, output: 40),
        entry(13, b, nil, input: 10, output: 4),
        entry(1, a, "gpt-5-codex", input: 200, output: 80),
    ]

    @Test func byAccount() {
        let report = UsageReport(Self.entries, accounts: DecisionLogTextTests.accounts, grouping: .account, days: 2,
                                 now: Self.now, timeZone: Self.paris)
        #expect(report.text(timeZone: Self.paris) == """
            Requests and tokens since 2025-04-30 (2 days), by account:
            ACCOUNT  REQUESTS  INPUT  CACHED  OUTPUT  REASONING
            me@x.io         2    300     150     120         30
            work            1     10       5       4          1
            total           3    310     155     124         31

            """)
    }

    @Test func byDayAndModel() {
        let days = UsageReport(Self.entries, accounts: [], grouping: .day, days: 2, now: Self.now, timeZone: Self.paris)
        #expect(days.rows.map(\.key) == ["2025-04-30", "2025-05-01"])
        #expect(days.rows.map(\.sums.requests) == [1, 2])
        let models = UsageReport(Self.entries, accounts: [], grouping: .model, days: 7, now: Self.now,
                                 timeZone: Self.paris)
        #expect(models.rows.map(\.key) == ["gpt-5-codex", "gpt-old", "unknown"])
        #expect(models.total.requests == 4)
    }

    @Test func saysWhenNothingWasUsed() {
        let report = UsageReport([], accounts: [], grouping: .account, days: 1, now: Self.now, timeZone: Self.paris)
        #expect(report.text(timeZone: Self.paris)
            == "Requests and tokens since 2025-05-01 (1 day), by account:\nNo completed requests in that period.\n")
    }

    @Test func rendersJSON() throws {
        let report = UsageReport(Array(Self.entries.suffix(1)), accounts: DecisionLogTextTests.accounts,
                                 grouping: .account, days: 1, now: Self.now, timeZone: Self.paris)
        #expect(try report.json(accounts: DecisionLogTextTests.accounts) == """
            {
              "by" : "account",
              "days" : 1,
              "rows" : [
                {
                  "account" : {
                    "id" : "0a1b2c3d-0000-4000-8000-000000000001",
                    "label" : "me@x.io"
                  },
                  "cached_input_tokens" : 100,
                  "input_tokens" : 200,
                  "key" : "me@x.io",
                  "output_tokens" : 80,
                  "reasoning_tokens" : 20,
                  "requests" : 1
                }
              ],
              "since" : "2025-04-30T22:00:00Z",
              "total" : {
                "cached_input_tokens" : 100,
                "input_tokens" : 200,
                "output_tokens" : 80,
                "reasoning_tokens" : 20,
                "requests" : 1
              }
            }

            """)
    }
}
