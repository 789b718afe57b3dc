import Foundation
import Testing

@testable import rotor

/// `rotor status --json` (docs/status-json.md) on the fixed clock of ``StatusReportTests``: every field present,
/// nulls written, times in UTC, windows by length whatever their position.
struct StatusJSONTests {
    @Test func rendersTheDocument() throws {
        #expect(try StatusReportTests.report.json() == """
            {
              "accounts" : [
                {
                  "email" : "me@x.io",
                  "id" : "1a1b2c3d-0000-4000-8000-000000000001",
                  "label" : "me@x.io",
                  "last_used_at" : "2025-05-01T11:57:00Z",
                  "plan" : "plus",
                  "refresh_error" : null,
                  "short_id" : "1a1b2c3d",
                  "state" : "ready",
                  "state_reason" : null,
                  "state_until" : null,
                  "today" : {
                    "cached_input_tokens" : 150,
                    "input_tokens" : 300,
                    "output_tokens" : 120,
                    "reasoning_tokens" : 30,
                    "requests" : 2
                  },
                  "usage_observed_at" : "2025-05-01T11:57:00Z",
                  "windows" : [
                    {
                      "name" : "5h",
                      "resets_at" : "2025-05-01T14:10:00Z",
                      "used_percent" : 42,
                      "window_minutes" : 300
                    },
                    {
                      "name" : "weekly",
                      "resets_at" : "2025-05-05T07:00:00Z",
                      "used_percent" : 58.3,
                      "window_minutes" : 10080
                    }
                  ]
                },
                {
                  "email" : "w@corp.io",
                  "id" : "2a1b2c3d-0000-4000-8000-000000000002",
                  "label" : "work",
                  "last_used_at" : "2025-05-01T11:40:00Z",
                  "plan" : "team",
                  "refresh_error" : null,
                  "short_id" : "2a1b2c3d",
                  "state" : "cooling",
                  "state_reason" : "usage-limit",
                  "state_until" : "2025-05-01T12:41:00Z",
                  "today" : {
                    "cached_input_tokens" : 0,
                    "input_tokens" : 0,
                    "output_tokens" : 0,
                    "reasoning_tokens" : 0,
                    "requests" : 0
                  },
                  "usage_observed_at" : "2025-05-01T11:40:00Z",
                  "windows" : [
                    {
                      "name" : "5h",
                      "resets_at" : "2025-05-01T12:41:00Z",
                      "used_percent" : 100,
                      "window_minutes" : 300
                    },
                    {
                      "name" : "weekly",
                      "resets_at" : "2025-05-04T12:00:00Z",
                      "used_percent" : 71,
                      "window_minutes" : 10080
                    }
                  ]
                },
                {
                  "email" : "old@x.io",
                  "id" : "3a1b2c3d-0000-4000-8000-000000000003",
                  "label" : "old@x.io",
                  "last_used_at" : "2025-04-29T12:00:00Z",
                  "plan" : "plus",
                  "refresh_error" : null,
                  "short_id" : "3a1b2c3d",
                  "state" : "needs-login",
                  "state_reason" : "refresh_token_reused",
                  "state_until" : null,
                  "today" : {
                    "cached_input_tokens" : 0,
                    "input_tokens" : 0,
                    "output_tokens" : 0,
                    "reasoning_tokens" : 0,
                    "requests" : 0
                  },
                  "usage_observed_at" : "2025-04-29T12:00:00Z",
                  "windows" : [
                    {
                      "name" : "5h",
                      "resets_at" : "2025-04-29T15:00:00Z",
                      "used_percent" : 0,
                      "window_minutes" : 300
                    }
                  ]
                },
                {
                  "email" : "spare@x.io",
                  "id" : "4a1b2c3d-0000-4000-8000-000000000004",
                  "label" : "spare@x.io",
                  "last_used_at" : null,
                  "plan" : null,
                  "refresh_error" : null,
                  "short_id" : "4a1b2c3d",
                  "state" : "disabled",
                  "state_reason" : "disabled with `rotor accounts disable`",
                  "state_until" : null,
                  "today" : {
                    "cached_input_tokens" : 0,
                    "input_tokens" : 0,
                    "output_tokens" : 0,
                    "reasoning_tokens" : 0,
                    "requests" : 0
                  },
                  "usage_observed_at" : null,
                  "windows" : [

                  ]
                },
                {
                  "email" : "new@x.io",
                  "id" : "5a1b2c3d-0000-4000-8000-000000000005",
                  "label" : "new@x.io",
                  "last_used_at" : null,
                  "plan" : "plus",
                  "refresh_error" : null,
                  "short_id" : "5a1b2c3d",
                  "state" : "ready",
                  "state_reason" : null,
                  "state_until" : null,
                  "today" : {
                    "cached_input_tokens" : 0,
                    "input_tokens" : 0,
                    "output_tokens" : 0,
                    "reasoning_tokens" : 0,
                    "requests" : 0
                  },
                  "usage_observed_at" : null,
                  "windows" : [

                  ]
                },
                {
                  "email" : "pro@x.io",
                  "id" : "6a1b2c3d-0000-4000-8000-000000000006",
                  "label" : "pro@x.io",
                  "last_used_at" : "2025-05-01T11:59:15Z",
                  "plan" : "pro",
                  "refresh_error" : null,
                  "short_id" : "6a1b2c3d",
                  "state" : "ready",
                  "state_reason" : null,
                  "state_until" : null,
                  "today" : {
                    "cached_input_tokens" : 750,
                    "input_tokens" : 1500,
                    "output_tokens" : 2000,
                    "reasoning_tokens" : 500,
                    "requests" : 1
                  },
                  "usage_observed_at" : "2025-05-01T11:59:15Z",
                  "windows" : [
                    {
                      "name" : "5h",
                      "resets_at" : "2025-05-01T16:00:00Z",
                      "used_percent" : 3,
                      "window_minutes" : 300
                    },
                    {
                      "name" : "weekly",
                      "resets_at" : "2025-05-07T10:00:00Z",
                      "used_percent" : 12.5,
                      "window_minutes" : 10080
                    }
                  ]
                }
              ],
              "generated_at" : "2025-05-01T12:00:00Z",
              "pool" : {
                "next_reset" : "2025-05-01T12:41:00Z",
                "ready" : 3,
                "reserved" : 0,
                "total" : 6,
                "weekly_left_percent_of_one_account" : 229.2
              }
            }

            """)
    }

    /// `--watch --json` writes the same document on one line (JSON Lines).
    @Test func rendersOneLine() throws {
        let line = try StatusReportTests.report.jsonLine()
        #expect(line.hasSuffix("}\n") && line.filter { $0 == "\n" }.count == 1)
        let compact = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? NSDictionary
        let document = try StatusReportTests.report.json()
        let pretty = try JSONSerialization.jsonObject(with: Data(document.utf8)) as? NSDictionary
        #expect(compact != nil && compact == pretty)
    }
}
