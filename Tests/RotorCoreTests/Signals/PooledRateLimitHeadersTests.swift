import Foundation
import RotorCore
import Testing

/// The 5-hour and weekly headers Codex warns from describe the pool, not the one account that served.
@Suite struct PooledRateLimitHeadersTests {
    /// `testNow` in unix seconds.
    private static let nowSeconds = 1_767_225_600

    private static func window(_ used: Double, minutes: Int, resetIn seconds: TimeInterval?) -> UsageWindow {
        UsageWindow(usedPercent: used, windowMinutes: minutes, resetsAt: seconds.map { testNow.addingTimeInterval($0) })
    }

    private static func usage(fiveHours: (used: Double, resetIn: TimeInterval?)? = nil,
                              weekly: (used: Double, resetIn: TimeInterval?)? = nil,
                              observedAt: Date = testNow.addingTimeInterval(-60)) -> UsageSnapshot {
        UsageSnapshot(primary: fiveHours.map { window($0.used, minutes: 300, resetIn: $0.resetIn) },
                      secondary: weekly.map { window($0.used, minutes: 10_080, resetIn: $0.resetIn) },
                      observedAt: observedAt)
    }

    /// A response's rate-limit headers: each position as (used, minutes, reset-at in seconds from `testNow`).
    private static func response(primary: (used: String, minutes: Int, resetIn: Int)?,
                                 secondary: (used: String, minutes: Int, resetIn: Int)? = nil) -> HeaderFields {
        var headers: HeaderFields = []
        for (slot, window) in [("primary", primary), ("secondary", secondary)] {
            guard let window else { continue }
            headers += [
                (name: "x-codex-\(slot)-used-percent", value: window.used),
                (name: "x-codex-\(slot)-window-minutes", value: String(window.minutes)),
                (name: "x-codex-\(slot)-reset-at", value: String(nowSeconds + window.resetIn)),
                (name: "x-codex-\(slot)-reset-after-seconds", value: String(window.resetIn)),
            ]
        }
        return headers
    }

    /// The edits as a dictionary: header name → new value (`nil`: removed).
    private static func edits(_ headers: PooledRateLimitHeaders) -> [String: String?] {
        Dictionary(uniqueKeysWithValues: headers.edits.map { ($0.name, $0.value) })
    }

    private static func primaryEdits(used: String, resetIn: Int?) -> [String: String?] {
        [
            "x-codex-primary-used-percent": used,
            "x-codex-primary-window-minutes": "300",
            "x-codex-primary-reset-at": resetIn.map { String(nowSeconds + $0) },
            "x-codex-primary-reset-after-seconds": resetIn.map(String.init),
        ]
    }

    private static func secondaryEdits(used: String, resetIn: Int?) -> [String: String?] {
        [
            "x-codex-secondary-used-percent": used,
            "x-codex-secondary-window-minutes": "10080",
            "x-codex-secondary-reset-at": resetIn.map { String(nowSeconds + $0) },
            "x-codex-secondary-reset-after-seconds": resetIn.map(String.init),
        ]
    }

    /// The serving account at 95 % of its 5-hour window (from this response) and another at 10 %: Codex reads
    /// 100 − mean(5, 90) = 52.5 % used, with the earliest reset of the two; the weekly window likewise.
    @Test func bothWindowsCarryThePoolsMeanAndEarliestReset() {
        let serving = testAccount(1)
        let other = testAccount(2, usage: Self.usage(fiveHours: (10, 1_800), weekly: (40, 345_600)))
        let headers = PooledRateLimitHeaders(
            serving: serving,
            responseHeaders: Self.response(primary: ("95", 300, 3_600), secondary: ("20", 10_080, 432_000)),
            accounts: [serving, other], now: testNow)
        #expect(Self.edits(headers) == Self.primaryEdits(used: "52.5", resetIn: 1_800)
            .merging(Self.secondaryEdits(used: "30", resetIn: 345_600)) { $1 })
    }

    /// The serving account's values are this response's, never its stored snapshot; the others' are their latest.
    @Test func theServingAccountCountsWithThisResponse() {
        let serving = testAccount(1, usage: Self.usage(fiveHours: (10, 600)))
        let other = testAccount(2, usage: Self.usage(fiveHours: (30, 7_200)))
        let headers = PooledRateLimitHeaders(serving: serving, responseHeaders: Self.response(primary: ("90", 300, 3_600)),
                                             accounts: [serving, other], now: testNow)
        #expect(headers.primary == .pooled(.init(usedPercent: 60, resetsAt: testNow.addingTimeInterval(3_600),
                                                 accounts: 2)))
    }

    /// A response without rate-limit headers counts the serving account with its stored snapshot.
    @Test func aResponseWithoutHeadersCountsTheServingAccountsStoredSnapshot() {
        let serving = testAccount(1, usage: Self.usage(fiveHours: (20, 600)))
        let other = testAccount(2, usage: Self.usage(fiveHours: (40, 1_200)))
        let headers = PooledRateLimitHeaders(serving: serving, responseHeaders: [], accounts: [serving, other],
                                             now: testNow)
        #expect(Self.edits(headers) == Self.primaryEdits(used: "30", resetIn: 600))
    }

    /// Disabled and needs-login accounts cannot serve and are left out; a short cooldown still counts what the
    /// account has left; an account cooling on its usage limit counts 0 left, and its reset counts.
    @Test func onlyAccountsThatCanServeCountAndAUsageLimitCountsNothingLeft() {
        let serving = testAccount(1)
        let accounts = [
            serving,
            testAccount(2, status: .disabled(reason: "by user"), usage: Self.usage(fiveHours: (0, 60))),
            testAccount(3, status: .needsLogin(reason: "revoked"), usage: Self.usage(fiveHours: (0, 60))),
            testAccount(4, cooldown: Cooldown(until: testNow.addingTimeInterval(30), reason: .rateLimit),
                        usage: Self.usage(fiveHours: (40, 9_000))),
            testAccount(5, cooldown: Cooldown(until: testNow.addingTimeInterval(900), reason: .usageLimit),
                        usage: Self.usage(fiveHours: (70, 900))),
        ]
        let headers = PooledRateLimitHeaders(serving: serving, responseHeaders: Self.response(primary: ("20", 300, 7_200)),
                                             accounts: accounts, now: testNow)
        // left: 80 (serving), 60 (rate-limited), 0 (usage-limited) → mean 140 / 3.
        #expect(Self.edits(headers) == Self.primaryEdits(used: "53.3", resetIn: 900))
    }

    /// An exhausted window (100 % used, reset ahead) cools its account as a usage limit: it counts 0 left.
    @Test func anExhaustedWindowCountsNothingLeft() {
        let serving = testAccount(1)
        let other = testAccount(2, usage: Self.usage(fiveHours: (100, 1_200)))
        let headers = PooledRateLimitHeaders(serving: serving, responseHeaders: Self.response(primary: ("50", 300, 3_600)),
                                             accounts: [serving, other], now: testNow)
        #expect(Self.edits(headers) == Self.primaryEdits(used: "75", resetIn: 1_200))
    }

    /// A window whose reset has passed started over: 100 left, and its old reset is not the pool's.
    @Test func aWindowAlreadyStartedOverCountsAllLeft() {
        let serving = testAccount(1)
        let other = testAccount(2, usage: Self.usage(fiveHours: (80, -10), observedAt: testNow.addingTimeInterval(-7_200)))
        let headers = PooledRateLimitHeaders(serving: serving, responseHeaders: Self.response(primary: ("40", 300, 5_000)),
                                             accounts: [serving, other], now: testNow)
        #expect(Self.edits(headers) == Self.primaryEdits(used: "20", resetIn: 5_000))
    }

    /// An account without a snapshot of a window is left out of that window's mean only.
    @Test func anAccountWithoutAWindowIsLeftOutOfThatWindowOnly() {
        let serving = testAccount(1)
        let fiveHoursOnly = testAccount(2, usage: Self.usage(fiveHours: (0, nil)))
        let nothing = testAccount(3)
        let headers = PooledRateLimitHeaders(
            serving: serving,
            responseHeaders: Self.response(primary: ("60", 300, 3_600), secondary: ("50", 10_080, 86_400)),
            accounts: [serving, fiveHoursOnly, nothing], now: testNow)
        #expect(Self.edits(headers) == Self.primaryEdits(used: "30", resetIn: 3_600)
            .merging(Self.secondaryEdits(used: "50", resetIn: 86_400)) { $1 })
    }

    /// Only accounts that used some of a window give it a reset; when none did, the reset headers are removed.
    @Test func aPoolThatUsedNothingHasNoReset() {
        let serving = testAccount(1)
        let other = testAccount(2, usage: Self.usage(fiveHours: (0, 60)))
        let headers = PooledRateLimitHeaders(serving: serving, responseHeaders: Self.response(primary: ("0", 300, 120)),
                                             accounts: [serving, other], now: testNow)
        #expect(Self.edits(headers) == Self.primaryEdits(used: "0", resetIn: nil))
    }

    /// Windows are named by length: a response with its weekly window in the primary position still feeds the weekly
    /// pool, and the primary position carries the 5-hour pool of the other accounts.
    @Test func windowsAreNamedByLengthNotPosition() {
        let serving = testAccount(1)
        let other = testAccount(2, usage: Self.usage(fiveHours: (30, 600), weekly: (10, 100_000)))
        let headers = PooledRateLimitHeaders(serving: serving,
                                             responseHeaders: Self.response(primary: ("70", 10_080, 200_000)),
                                             accounts: [serving, other], now: testNow)
        #expect(Self.edits(headers) == Self.primaryEdits(used: "30", resetIn: 600)
            .merging(Self.secondaryEdits(used: "40", resetIn: 100_000)) { $1 })
    }

    /// A pool with only weekly windows: the weekly pool goes to the secondary position, and the serving account's
    /// own weekly window in the primary position is removed, not shown beside it.
    @Test func aWeeklyOnlyPoolRemovesTheResponsesOwnWeeklyFromThePrimaryPosition() {
        let serving = testAccount(1)
        let other = testAccount(2, usage: Self.usage(weekly: (20, 50_000)))
        let headers = PooledRateLimitHeaders(serving: serving,
                                             responseHeaders: Self.response(primary: ("96", 10_080, 90_000)),
                                             accounts: [serving, other], now: testNow)
        #expect(headers.primary == .removed)
        let removed: [String: String?] = [
            "x-codex-primary-used-percent": nil, "x-codex-primary-window-minutes": nil,
            "x-codex-primary-reset-at": nil, "x-codex-primary-reset-after-seconds": nil,
        ]
        #expect(Self.edits(headers) == removed.merging(Self.secondaryEdits(used: "58", resetIn: 50_000)) { $1 })
    }

    /// With no snapshot of a window anywhere, its position passes as it came: unnamed windows (no window-minutes)
    /// and windows of other lengths are the response's own.
    @Test func aWindowNobodyReportedPassesUnchanged() {
        let serving = testAccount(1)
        let other = testAccount(2, usage: UsageSnapshot(primary: UsageWindow(usedPercent: 50),
                                                        observedAt: testNow.addingTimeInterval(-60)))
        let unnamed: HeaderFields = [(name: "x-codex-primary-used-percent", value: "95")]
        let unnamedHeaders = PooledRateLimitHeaders(serving: serving, responseHeaders: unnamed,
                                                     accounts: [serving, other], now: testNow)
        #expect(unnamedHeaders.edits.isEmpty)
        let twoDays = PooledRateLimitHeaders(serving: serving,
                                             responseHeaders: Self.response(primary: ("95", 2_880, 3_600)),
                                             accounts: [serving, other], now: testNow)
        #expect(twoDays.primary == .unchanged)
        #expect(twoDays.secondary == .unchanged)
        #expect(twoDays.edits.isEmpty)
    }

    /// rotor's own answer (no serving account) reports the stored snapshots: a dry pool of usage-limited accounts
    /// reads 100 % used, resetting at the earliest reset.
    @Test func rotorsOwnAnswerReportsTheStoredSnapshots() {
        let accounts = [
            testAccount(1, usage: Self.usage(fiveHours: (100, 3_000), weekly: (60, 300_000))),
            testAccount(2, usage: Self.usage(fiveHours: (100, 1_000), weekly: (30, 200_000))),
        ]
        let headers = PooledRateLimitHeaders(serving: nil, responseHeaders: [], accounts: accounts, now: testNow)
        #expect(Self.edits(headers) == Self.primaryEdits(used: "100", resetIn: 1_000)
            .merging(Self.secondaryEdits(used: "100", resetIn: 200_000)) { $1 })
    }

    /// reset-after-seconds counts from now in whole seconds (rounded up, never negative), and reset-at is whole unix
    /// seconds.
    @Test func resetsAreWholeSecondsFromNow() {
        let serving = testAccount(1)
        let now = testNow.addingTimeInterval(0.5)
        let headers = PooledRateLimitHeaders(serving: serving, responseHeaders: Self.response(primary: ("10", 300, 100)),
                                             accounts: [serving], now: now)
        #expect(Self.edits(headers)["x-codex-primary-reset-at"] == String(Self.nowSeconds + 100))
        #expect(Self.edits(headers)["x-codex-primary-reset-after-seconds"] == "100")
    }

    /// Only the eight 5-hour and weekly headers are ever edited; credits, the active limit, other families and the
    /// turn state are not rotor's to change.
    @Test func onlyTheEightWindowHeadersAreEdited() {
        let serving = testAccount(1)
        let other = testAccount(2, usage: Self.usage(fiveHours: (10, 600), weekly: (10, 6_000)))
        var response = Self.response(primary: ("95", 300, 3_600), secondary: ("5", 10_080, 9_000))
        response += [(name: "x-codex-credits-balance", value: "12"), (name: "x-codex-turn-state", value: "ts")]
        let names = Set(PooledRateLimitHeaders(serving: serving, responseHeaders: response,
                                               accounts: [serving, other], now: testNow).edits.map(\.name))
        #expect(names == Set(["primary", "secondary"].flatMap { slot in
            ["used-percent", "window-minutes", "reset-at", "reset-after-seconds"].map { "x-codex-\(slot)-\($0)" }
        }))
    }
}
