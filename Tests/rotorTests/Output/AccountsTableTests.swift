import Foundation
import RotorCore
import Testing

@testable import rotor

struct AccountsTableTests {
    // 2025-05-01 12:00:00 UTC = 14:00 in Paris (CEST).
    static let now = Date(timeIntervalSince1970: 1_746_100_800)
    static let paris = TimeZone(identifier: "Europe/Paris")!

    static func account(
        _ id: String,
        label: String,
        email: String,
        plan: String? = "plus",
        status: AccountStatus = .ready,
        cooldown: Cooldown? = nil,
        lastUsedAt: Date? = nil
    ) -> Account {
        Account(
            id: AccountID(id)!, label: label, email: email, chatgptAccountID: "acct", plan: plan, status: status,
            cooldown: cooldown, lastUsedAt: lastUsedAt, createdAt: Date(timeIntervalSince1970: 0)
        )
    }

    /// Each state renders as the issue spells it; times are local HH:MM today, with the date on other days.
    @Test func rendersEveryState() {
        let accounts = [
            Self.account(
                "0a1b2c3d-0000-4000-8000-000000000001", label: "me@x.io", email: "me@x.io",
                lastUsedAt: Self.now.addingTimeInterval(-1_800)
            ),
            Self.account(
                "1b2c3d4e-0000-4000-8000-000000000002", label: "work", email: "w@corp.io", plan: "team",
                cooldown: Cooldown(until: Self.now.addingTimeInterval(300), reason: .usageLimit),
                lastUsedAt: Self.now.addingTimeInterval(-2 * 86_400)
            ),
            Self.account(
                "2c3d4e5f-0000-4000-8000-000000000003", label: "me@x.io (5b1f0c7e)", email: "me@x.io", plan: nil,
                status: .needsLogin(reason: "refresh_token_reused")
            ),
            Self.account(
                "3d4e5f60-0000-4000-8000-000000000004", label: "old", email: "old@x.io", status: .disabled(reason: "x"),
                cooldown: Cooldown(until: Self.now.addingTimeInterval(86_400), reason: .rateLimit)
            ),
            Self.account(
                "4e5f6071-0000-4000-8000-000000000005", label: "later", email: "l@x.io",
                cooldown: Cooldown(until: Self.now.addingTimeInterval(86_400), reason: .rateLimit)
            ),
            Self.account(
                "5f607182-0000-4000-8000-000000000006", label: "expired", email: "e@x.io",
                cooldown: Cooldown(until: Self.now, reason: .network)
            ),
        ]
        let expected = """
            ID        ACCOUNT             PLAN  STATE                                        LAST USED
            0a1b2c3d  me@x.io             plus  ready                                        13:30
            1b2c3d4e  work <w@corp.io>    team  cooling until 14:05 (usage-limit)            2025-04-29 14:00
            2c3d4e5f  me@x.io (5b1f0c7e)  -     needs-login                                  never
            3d4e5f60  old <old@x.io>      plus  disabled                                     never
            4e5f6071  later <l@x.io>      plus  cooling until 2025-05-02 14:00 (rate-limit)  never
            5f607182  expired <e@x.io>    plus  ready                                        never

            """
        #expect(AccountsTable.render(accounts, now: Self.now, timeZone: Self.paris) == expected)
    }

    /// Under a policy with a weekly reserve, a ready account at it reads `reserved` with the window that keeps it,
    /// in the table and in `--json` (`state` `reserved`, the window in `state_reason`); a cooling one stays cooling.
    @Test func showsReservedAccounts() throws {
        var spent = Self.account("0a1b2c3d-0000-4000-8000-000000000001", label: "a@x.io", email: "a@x.io")
        spent.usage = UsageSnapshot(secondary: UsageWindow(usedPercent: 71, windowMinutes: 10_080,
                                                           resetsAt: Self.now.addingTimeInterval(86_400)),
                                    observedAt: Self.now)
        var cooling = Self.account("1b2c3d4e-0000-4000-8000-000000000002", label: "b@x.io", email: "b@x.io",
                                   cooldown: Cooldown(until: Self.now.addingTimeInterval(600), reason: .rateLimit))
        cooling.usage = spent.usage
        let policy = RoutingPolicy(reserves: [.weekly: 30])
        let table = AccountsTable.render([spent, cooling], policy: policy, now: Self.now, timeZone: Self.paris)
        #expect(table.contains("a@x.io   plus  reserved (weekly 71% used, keeps 30%)"))
        #expect(table.contains("cooling until 14:10 (rate-limit)"))
        let json = try AccountsJSON.render([spent], policy: policy, now: Self.now)
        #expect(json.contains(#""state" : "reserved""#))
        #expect(json.contains(#""state_reason" : "weekly 71% used, keeps 30%""#))
        #expect(try AccountsJSON.render([spent], now: Self.now).contains(#""state" : "ready""#))
    }

    /// The same instant reads in the given time zone.
    @Test func usesTheGivenTimeZone() {
        let account = Self.account(
            "0a1b2c3d-0000-4000-8000-000000000001", label: "a@x.io", email: "a@x.io",
            cooldown: Cooldown(until: Self.now.addingTimeInterval(3_600), reason: .overloaded)
        )
        let utc = AccountsTable.render([account], now: Self.now, timeZone: TimeZone(identifier: "UTC")!)
        #expect(utc.contains("cooling until 13:00 (overloaded)"))
    }

    /// With no accounts the table is a sentence saying how to add one.
    @Test func emptyListSaysHowToAdd() {
        #expect(AccountsTable.render([], now: Self.now, timeZone: Self.paris) == """
            No accounts yet: import the Codex login with `rotor accounts import`, or log in with `rotor accounts add`.

            """)
    }

    /// The JSON document has every documented field, null where unknown, UTC times with Z, active cooldowns only.
    @Test func rendersJSON() throws {
        let accounts = [
            Self.account(
                "1b2c3d4e-0000-4000-8000-000000000002", label: "work", email: "w@corp.io", plan: nil,
                status: .disabled(reason: "by user"),
                cooldown: Cooldown(until: Self.now.addingTimeInterval(300), reason: .usageLimit),
                lastUsedAt: Self.now
            ),
            Self.account(
                "5f607182-0000-4000-8000-000000000006", label: "expired", email: "e@x.io",
                cooldown: Cooldown(until: Self.now, reason: .network)
            ),
        ]
        let expected = """
            [
              {
                "chatgpt_account_id" : "acct",
                "cooldown_reason" : "usage-limit",
                "cooldown_until" : "2025-05-01T12:05:00Z",
                "created_at" : "1970-01-01T00:00:00Z",
                "email" : "w@corp.io",
                "id" : "1b2c3d4e-0000-4000-8000-000000000002",
                "label" : "work",
                "last_used_at" : "2025-05-01T12:00:00Z",
                "plan" : null,
                "short_id" : "1b2c3d4e",
                "state" : "disabled",
                "state_reason" : "by user"
              },
              {
                "chatgpt_account_id" : "acct",
                "cooldown_reason" : null,
                "cooldown_until" : null,
                "created_at" : "1970-01-01T00:00:00Z",
                "email" : "e@x.io",
                "id" : "5f607182-0000-4000-8000-000000000006",
                "label" : "expired",
                "last_used_at" : null,
                "plan" : "plus",
                "short_id" : "5f607182",
                "state" : "ready",
                "state_reason" : null
              }
            ]

            """
        #expect(try AccountsJSON.render(accounts, now: Self.now) == expected)
    }
}
