import ArgumentParser
import Foundation
import RotorCore
import RotorStore

extension Rotor {
    /// `rotor usage [--days N] [--by account|model|day] [--json]`: requests and tokens from the usage ledger.
    struct Usage: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show requests and tokens per account, model or day.",
            discussion: """
                Counts every request that completed through rotor (any rotor process on this machine), with its \
                input, cached input, output and reasoning tokens as the backend reported them. Days are local; the \
                ledger keeps 400 days.

                Examples:
                  rotor usage                   The last 7 days, by account.
                  rotor usage --by day --days 30
                  rotor usage --by model --json As JSON (docs/usage-json.md).
                """
        )

        @Option(help: "How many local days to count, today included (1 to 400).")
        var days = 7

        @Option(help: "Group by account, model or day.")
        var by: UsageReport.Grouping = .account

        @Flag(help: "Print JSON (docs/usage-json.md).")
        var json = false

        func validate() throws {
            guard (1...400).contains(days) else { throw ValidationError("--days must be between 1 and 400.") }
        }

        func run() throws {
            let store = try AccountStore(directory: .resolve(environment: ProcessInfo.processInfo.environment))
            let now = Date()
            let accounts = try store.accounts()
            let since = now.addingTimeInterval(-Double(days + 1) * 86_400)
            let report = UsageReport(try store.ledger(since: since), accounts: accounts, grouping: by, days: days,
                                     now: now, timeZone: .current)
            print(json ? try report.json(accounts: accounts) : report.text(timeZone: .current), terminator: "")
        }
    }
}

extension UsageReport.Grouping: ExpressibleByArgument {}
