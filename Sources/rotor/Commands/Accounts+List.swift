import ArgumentParser
import Foundation
import RotorCore
import RotorStore

extension Rotor.Accounts {
    /// `rotor accounts list [--json]`: show the stored accounts and their state.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the stored accounts and their state.",
            discussion: """
                States: ready, reserved (at a reserve of the routing policy), cooling until HH:MM (reason), \
                needs-login, disabled. Times are local.

                Examples:
                  rotor accounts list           Show the accounts as a table.
                  rotor accounts list --json    Print them as JSON (docs/accounts-json.md).
                """
        )

        @Flag(help: "Print a stable JSON array instead of the table (times in UTC ISO 8601).")
        var json = false

        func run() throws {
            let environment = ProcessInfo.processInfo.environment
            let store = try AccountStore(directory: .resolve(environment: environment))
            let accounts = try store.accounts()
            let policy = RoutingPolicy.configured(environment: environment, accounts: accounts)
            let now = Date()
            if json {
                print(try AccountsJSON.render(accounts, policy: policy, now: now), terminator: "")
            } else {
                print(AccountsTable.render(accounts, policy: policy, now: now, timeZone: .current), terminator: "")
            }
        }
    }
}
