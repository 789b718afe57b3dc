import Foundation
import RotorCore
import RotorStore
import Testing

@testable import rotor

/// `rotor status` on a fixed clock in Paris: the pool line, one block per account, plain, styled and as JSON.
struct StatusReportTests {
    // 2025-05-01 12:00:00 UTC = 14:00 in Paris (CEST); the local day began at 2025-04-30 22:00 UTC.
    static let now = DecisionLogTextTests.now
    static let paris = DecisionLogTextTests.paris

    static func id(_ number: Int) -> AccountID {
        AccountID("\(number)a1b2c3d-0000-4000-8000-00000000000\(number)")!
    }

    static func at(_ seconds: TimeInterval) -> Date { now.addingTimeInterval(seconds) }

    static func account(_ number: Int, _ label: String, email: String? = nil, plan: String?,
                        status: AccountStatus = .ready, cooldown: Cooldown? = nil, lastUsed: TimeInterval? = nil,
                        usage: UsageSnapshot? = nil) -> Account {
        Account(id: id(number), label: label, email: email ?? label, chatgptAccountID: "acct-\(number)", plan: plan,
                status: status, cooldown: cooldown, lastUsedAt: lastUsed.map(at), usage: usage,
                createdAt: Date(timeIntervalSince1970: 0))
    }

    /// Ready with both windows; cooling on a usage limit for 41 minutes; needs-login with numbers two days old (its
    /// 5h window has started over since); disabled; ready and never seen; ready with its weekly window reported first.
    static let accounts = [
        account(1, "me@x.io", plan: "plus", lastUsed: -180, usage: UsageSnapshot(
            primary: UsageWindow(usedPercent: 42, windowMinutes: 300, resetsAt: at(2 * 3600 + 600)),
            secondary: UsageWindow(usedPercent: 58.3, windowMinutes: 10_080, resetsAt: at(4 * 86_400 - 5 * 3600)),
            observedAt: at(-180))),
        account(2, "work", email: "w@corp.io", plan: "team",
                cooldown: Cooldown(until: at(41 * 60), reason: .usageLimit), lastUsed: -1200, usage: UsageSnapshot(
                    primary: UsageWindow(usedPercent: 100, windowMinutes: 300, resetsAt: at(41 * 60)),
                    secondary: UsageWindow(usedPercent: 71, windowMinutes: 10_080, resetsAt: at(3 * 86_400)),
                    observedAt: at(-1200))),
        account(3, "old@x.io", plan: "plus", status: .needsLogin(reason: "refresh_token_reused"), lastUsed: -2 * 86_400,
                usage: UsageSnapshot(
                    primary: UsageWindow(usedPercent: 20, windowMinutes: 300, resetsAt: at(-2 * 86_400 + 3 * 3600)),
                    observedAt: at(-2 * 86_400))),
        account(4, "spare@x.io", plan: nil, status: .disabled(reason: "disabled with `rotor accounts disable`")),
        account(5, "new@x.io", plan: "plus"),
        account(6, "pro@x.io", plan: "pro", lastUsed: -45, usage: UsageSnapshot(
            primary: UsageWindow(usedPercent: 12.5, windowMinutes: 10_080, resetsAt: at(6 * 86_400 - 2 * 3600)),
            secondary: UsageWindow(usedPercent: 3, windowMinutes: 300, resetsAt: at(4 * 3600)),
            observedAt: at(-45))),
    ]

    static func entry(_ secondsAgo: TimeInterval, _ number: Int, input: Int, output: Int) -> AccountStore.LedgerEntry {
        AccountStore.LedgerEntry(
            time: at(-secondsAgo), accountID: id(number), model: "gpt-5-codex",
            tokens: TokenCounts(inputTokens: input, cachedInputTokens: input / 2, outputTokens: output,
                                reasoningTokens: output / 4))
    }

    /// Two of me@x.io's requests are today (01:00 and 13:00 in Paris), one is yesterday (23:00); one of pro@x.io's.
    static let ledger = [
        entry(15 * 3600, 1, input: 1_000, output: 1_000),
        entry(13 * 3600, 1, input: 100, output: 40),
        entry(3600, 1, input: 200, output: 80),
        entry(3600, 6, input: 1_500, output: 2_000),
    ]

    static let report = StatusReport(accounts: accounts, ledger: ledger, now: now, timeZone: paris)

    @Test func rendersPlainText() {
        #expect(Self.report.text(style: .plain) == """
            3 of 6 ready · next reset 14:41 · weekly left: 229.2% of one account

            me@x.io · plus · ready
              5h        42% used · resets 16:10
              weekly  58.3% used · resets 2025-05-05 09:00
              usage as of 3m ago · last used 13:57
              today: 2 requests · 300 in (150 cached) · 120 out (30 reasoning)

            work <w@corp.io> · team · cooling 41m (usage-limit)
              5h       100% used · resets 14:41
              weekly    71% used · resets 2025-05-04 14:00
              usage as of 20m ago · last used 13:40
              today: no requests

            old@x.io · plus · needs-login (refresh_token_reused)
              5h         0% used · started over 2025-04-29 17:00
              usage as of 2d 0h ago · last used 2025-04-29 14:00
              today: no requests

            spare@x.io · disabled (disabled with `rotor accounts disable`)
              no usage seen yet · never used
              today: no requests

            new@x.io · plus · ready
              no usage seen yet · never used
              today: no requests

            pro@x.io · pro · ready
              5h         3% used · resets 18:00
              weekly  12.5% used · resets 2025-05-07 12:00
              usage as of 45s ago · last used 13:59
              today: 1 request · 1,500 in (750 cached) · 2,000 out (500 reasoning)

            """)
    }

    /// Ready counts the accounts that can serve now; the next reset is the earliest cooldown end among cooling
    /// accounts (not a disabled account's cooldown, nor an ended one); the weekly sum counts the ready accounts
    /// only: what each has left, 100 for a weekly window that started over or that rotor has not seen.
    @Test func sumsUpThePool() {
        let weekly = { (used: Double, resets: TimeInterval) in
            UsageSnapshot(primary: UsageWindow(usedPercent: used, windowMinutes: 10_080, resetsAt: Self.at(resets)),
                          observedAt: Self.at(-60))
        }
        let accounts = [
            Self.account(1, "a", plan: nil, usage: weekly(30, 86_400)),
            Self.account(2, "b", plan: nil, usage: weekly(90, -10)),
            Self.account(3, "c", plan: nil),
            Self.account(4, "d", plan: nil, cooldown: Cooldown(until: Self.at(600), reason: .rateLimit),
                         usage: weekly(10, 86_400)),
            Self.account(5, "e", plan: nil, cooldown: Cooldown(until: Self.at(300), reason: .overloaded)),
            Self.account(6, "f", plan: nil, status: .disabled(reason: "off"),
                         cooldown: Cooldown(until: Self.at(60), reason: .network)),
            Self.account(7, "g", plan: nil, cooldown: Cooldown(until: Self.at(-1), reason: .network)),
        ]
        let pool = StatusReport(accounts: accounts, ledger: [], now: Self.now, timeZone: Self.paris).pool
        #expect(pool == StatusReport.Pool(ready: 4, reserved: 0, total: 7, nextReset: Self.at(300), weeklyLeftPercent: 370))
        let dry = StatusReport(accounts: Array(accounts[3...5]), ledger: [], now: Self.now, timeZone: Self.paris)
        #expect(dry.pool == StatusReport.Pool(ready: 0, reserved: 0, total: 3, nextReset: Self.at(300), weeklyLeftPercent: 0))
    }

    /// Under a routing policy with reserves, a ready account at its reserve shows as `reserved` with the window
    /// that keeps it, counts apart from the ready ones, and says in JSON when it leaves its reserve; an account out
    /// for another reason shows that reason.
    @Test func showsReservedAccounts() throws {
        let policy = RoutingPolicy(reserves: [.weekly: 45, .fiveHours: 99])
        let report = StatusReport(accounts: Array(Self.accounts.prefix(2)), ledger: [], policy: policy, now: Self.now,
                                  timeZone: Self.paris)
        #expect(report.pool.ready == 0 && report.pool.reserved == 1)
        let text = report.text(style: .plain)
        #expect(text.hasPrefix("0 of 2 ready · 1 reserved · next reset 14:41"))
        #expect(text.contains("me@x.io · plus · reserved (5h 42% used, keeps 99%)\n"))
        #expect(text.contains("work <w@corp.io> · team · cooling 41m (usage-limit)\n"))
        let json = try report.json()
        #expect(json.contains(#""state" : "reserved""#))
        #expect(json.contains(#""state_reason" : "5h 42% used, keeps 99%""#))
        #expect(json.contains(#""state_until" : "2025-05-05T07:00:00Z""#), "the later of its two reserved windows")
        #expect(json.contains(#""reserved" : 1"#))
    }

    /// Today is the local day: in Tokyo (UTC+9) the day began at 15:00 UTC the day before, so the request of
    /// 21:00 UTC the day before, yesterday in Paris, counts there.
    @Test func todayIsTheLocalDay() {
        let tokyo = TimeZone(identifier: "Asia/Tokyo")!
        let report = StatusReport(accounts: Self.accounts, ledger: Self.ledger, now: Self.now, timeZone: tokyo)
        #expect(report.entries[0].today.requests == 3)
        #expect(StatusReport.startOfDay(Self.now, timeZone: tokyo) == Date(timeIntervalSince1970: 1_746_025_200))
    }

    /// On a terminal: the pool line and labels bold, the state coloured, each window a 20-cell bar (one cell per 5 %,
    /// green below 70 %), the secondary lines dim.
    @Test func rendersStyledText() {
        let report = StatusReport(accounts: [Self.accounts[0]], ledger: Self.ledger, now: Self.now,
                                  timeZone: Self.paris)
        let (bold, dim, green, reset) = ("\u{1B}[1m", "\u{1B}[2m", "\u{1B}[32m", "\u{1B}[0m")
        let full = { (count: Int) in String(repeating: "█", count: count) }
        let empty = { (count: Int) in String(repeating: "░", count: count) }
        #expect(report.text(style: .styled) == """
            \(bold)1 of 1 ready · weekly left: 41.7% of one account\(reset)

            \(bold)me@x.io\(reset) · plus · \(green)ready\(reset)
              5h      \(green)\(full(8))\(reset)\(dim)\(empty(12))\(reset)    42% used · resets 16:10
              weekly  \(green)\(full(12))\(reset)\(dim)\(empty(8))\(reset)  58.3% used · resets 2025-05-05 09:00
              \(dim)usage as of 3m ago · last used 13:57\(reset)
              \(dim)today: 2 requests · 300 in (150 cached) · 120 out (30 reasoning)\(reset)

            """)
    }

    /// A failed usage refresh shows on the account's block, with the age of the numbers still shown, and in JSON.
    @Test func showsARefreshFailure() throws {
        let report = StatusReport(accounts: [Self.accounts[0], Self.accounts[4]], ledger: [],
                                  refreshFailures: [Self.id(1): "the usage endpoint answered 503",
                                                    Self.id(5): "timed out"],
                                  now: Self.now, timeZone: Self.paris)
        let lines = report.text(style: .plain).split(separator: "\n")
        #expect(lines.contains("  usage refresh failed: the usage endpoint answered 503 — "
            + "showing numbers as of 3m ago · last used 13:57"))
        #expect(lines.contains("  usage refresh failed: timed out — no usage seen yet · never used"))
        let document = try JSONSerialization.jsonObject(with: Data(try report.json().utf8)) as? [String: Any]
        let errors = (document?["accounts"] as? [[String: Any]])?.map { $0["refresh_error"] as? String }
        #expect(errors == ["the usage endpoint answered 503", "timed out"])
        let plain = try JSONSerialization.jsonObject(with: Data(try Self.report.json().utf8)) as? [String: Any]
        let none = (plain?["accounts"] as? [[String: Any]])?.map { $0["refresh_error"] is NSNull }
        #expect(none == Array(repeating: true, count: 6))
    }

    /// With no account, the pool line and how to add one.
    @Test func saysHowToAddAnAccount() {
        let report = StatusReport(accounts: [], ledger: [], now: Self.now, timeZone: Self.paris)
        #expect(report.text(style: .plain) == """
            0 of 0 ready · weekly left: 0% of one account

            No accounts yet: import the Codex login with `rotor accounts import`, or log in with `rotor accounts add`.

            """)
    }
}
