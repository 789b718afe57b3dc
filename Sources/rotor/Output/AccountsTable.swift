import Foundation
import RotorCore

/// The table `rotor accounts list` prints: short id, account, plan, state and last use, one row per account.
enum AccountsTable {
    /// The header and one line per account, columns separated by two spaces, each line ending in a newline.
    /// Times are local to `timeZone`. With no accounts, a sentence saying how to add one.
    /// `policy` says which accounts show as `reserved`.
    static func render(_ accounts: [Account], policy: RoutingPolicy = .default, now: Date, timeZone: TimeZone)
        -> String
    {
        guard !accounts.isEmpty else { return noAccounts }
        let header = ["ID", "ACCOUNT", "PLAN", "STATE", "LAST USED"]
        let rows = accounts.map { account in
            [
                account.id.shortID,
                name(of: account),
                account.plan ?? "-",
                state(of: account, policy: policy, now: now, timeZone: timeZone),
                account.lastUsedAt.map { ClockTime.format($0, now: now, timeZone: timeZone) } ?? "never",
            ]
        }
        let table = [header] + rows
        let widths = header.indices.map { column in table.map { $0[column].count }.max() ?? 0 }
        return table.map { cells in
            let padded = cells.enumerated().map { column, cell in
                column == cells.count - 1 ? cell : cell + String(repeating: " ", count: widths[column] - cell.count)
            }
            return padded.joined(separator: "  ") + "\n"
        }.joined()
    }

    /// The sentence shown instead of accounts when there are none: how to add one.
    static let noAccounts = "No accounts yet: import the Codex login with `rotor accounts import`, "
        + "or log in with `rotor accounts add`.\n"

    /// The label, followed by the email when the label does not already show it.
    static func name(of account: Account) -> String {
        account.label.contains(account.email) ? account.label : "\(account.label) <\(account.email)>"
    }

    /// `ready`, `reserved (weekly 71% used, keeps 30%)`, `cooling until 14:05 (usage-limit)`, `needs-login` or
    /// `disabled`.
    static func state(of account: Account, policy: RoutingPolicy, now: Date, timeZone: TimeZone) -> String {
        if let reservation = policy.shownReservation(of: account, at: now) { return reservation.description }
        let state = account.state(at: now)
        guard case .cooling(let until, let reason) = state else { return state.name }
        return "cooling until \(ClockTime.format(until, now: now, timeZone: timeZone)) (\(reason.rawValue))"
    }
}
