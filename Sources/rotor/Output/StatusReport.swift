import Foundation
import RotorCore
import RotorStore

/// What `rotor status` shows: one pool line (how many accounts can serve now, when the next cooldown ends, how much
/// of a weekly window the accounts that can serve have left together) and one entry per account — its state, its
/// usage windows as of now, how old those numbers are, and its requests and tokens of the local day.
///
/// Built from values only (accounts, ledger, `now`, time zone), so the same report renders as text
/// (``text(style:)``) and as JSON (``json()``, ``jsonLine()``, docs/status-json.md).
struct StatusReport: Equatable {
    /// The pool as a whole.
    struct Pool: Equatable {
        /// Accounts that can serve now and are above their reserves (state `ready`).
        var ready: Int
        /// Accounts that can serve now but are at a reserve of the routing policy (state `reserved`).
        var reserved: Int
        /// Every stored account, whatever its state.
        var total: Int
        /// The earliest end of a cooldown in force on a cooling account; `nil` when no account is cooling.
        var nextReset: Date?
        /// What the accounts that can serve have left of their weekly windows, summed, in percent of one account's
        /// window. An account whose weekly window rotor has not seen counts as 100 (as selection assumes).
        var weeklyLeftPercent: Double
    }

    /// One usage window of an account, as of the report's `now`.
    struct Window: Equatable {
        /// Its name by its length; `nil` when the server did not report its length.
        var name: UsageWindowName?
        /// The percentage used now: as seen, or 0 once the window has started over since.
        var usedPercent: Double
        /// When it starts over (for a used-up window without a reported reset, when rotor assumes it does).
        var resetsAt: Date?
    }

    /// One account's block.
    struct Entry: Equatable {
        var account: Account
        /// Its state as shown: `reserved` while it could serve but is at a reserve.
        var shown: ShownAccountState
        /// Its windows, shortest first (a window of unknown length last).
        var windows: [Window]
        /// When its usage was last seen; `nil` when never.
        var usageObservedAt: Date?
        /// Its requests and tokens since the start of the local day.
        var today: UsageReport.Sums
        /// Why refreshing its usage failed, when it was asked to and did.
        var refreshError: String?
    }

    let now: Date
    let timeZone: TimeZone
    let pool: Pool
    let entries: [Entry]

    /// The report at `now` for `accounts` (in the order given), counting the `ledger` entries of the local day of
    /// `now` in `timeZone`. `refreshFailures` holds, per account, why refreshing its usage failed (shown with the
    /// numbers rotor still has); `policy` says which accounts are at their reserve.
    init(accounts: [Account], ledger: [AccountStore.LedgerEntry], refreshFailures: [AccountID: String] = [:],
         policy: RoutingPolicy = .default, now: Date, timeZone: TimeZone)
    {
        let today = Self.startOfDay(now, timeZone: timeZone)
        var sums: [AccountID: UsageReport.Sums] = [:]
        for entry in ledger where entry.time >= today {
            sums[entry.accountID, default: UsageReport.Sums()].add(entry.tokens)
        }
        entries = accounts.map { account in
            Entry(account: account, shown: policy.shownState(of: account, at: now),
                  windows: Self.windows(of: account.usage, now: now), usageObservedAt: account.usage?.observedAt,
                  today: sums[account.id] ?? UsageReport.Sums(), refreshError: refreshFailures[account.id])
        }
        var ready = 0
        var reserved = 0
        var nextReset: Date?
        var weeklyLeft = 0.0
        for entry in entries {
            switch entry.shown.state {
            case .ready:
                if entry.shown.reservation == nil { ready += 1 } else { reserved += 1 }
                let usage = entry.account.usage
                weeklyLeft += usage.flatMap { usage in
                    usage.window(named: .weekly)?.remainingPercent(at: now, observedAt: usage.observedAt)
                } ?? 100
            case .cooling(let until, _):
                nextReset = min(nextReset ?? until, until)
            case .needsLogin, .disabled:
                break
            }
        }
        pool = Pool(ready: ready, reserved: reserved, total: accounts.count, nextReset: nextReset,
                    weeklyLeftPercent: weeklyLeft)
        self.now = now
        self.timeZone = timeZone
    }

    /// The start of the local day of `date` in `timeZone`: where "today" begins.
    static func startOfDay(_ date: Date, timeZone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar.startOfDay(for: date)
    }

    /// Reads the accounts and the day's ledger from `store` and builds the report at `now`, with the accounts whose
    /// usage refresh failed (`refreshFailures`, why per account) and the reserves of the config file `environment`
    /// points to.
    static func read(from store: AccountStore, refreshFailures: [AccountID: String] = [:],
                     environment: [String: String], now: Date, timeZone: TimeZone) throws -> StatusReport
    {
        let accounts = try store.accounts()
        let ledger = try store.ledger(since: startOfDay(now, timeZone: timeZone))
        return StatusReport(accounts: accounts, ledger: ledger, refreshFailures: refreshFailures,
                            policy: .configured(environment: environment, accounts: accounts), now: now,
                            timeZone: timeZone)
    }

    private static func windows(of usage: UsageSnapshot?, now: Date) -> [Window] {
        guard let usage else { return [] }
        return [usage.primary, usage.secondary].compactMap { $0 }
            .sorted { ($0.windowMinutes ?? .max) < ($1.windowMinutes ?? .max) }
            .map { window in
                Window(name: window.name, usedPercent: window.usedPercent(at: now, observedAt: usage.observedAt),
                       resetsAt: window.reset(observedAt: usage.observedAt))
            }
    }
}
