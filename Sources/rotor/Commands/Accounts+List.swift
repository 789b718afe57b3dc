import ArgumentParser
import Foundation
import RotorStore

extension Rotor.Accounts {
    /// `rotor accounts list [--json]`: show the stored accounts and their state.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the stored accounts and their state.",
            discussion: """
                States: ready, cooling until HH:MM (reason), needs-login, disabled. Times are local.

                Examples:
                  rotor accounts list           Show the accounts as a table.
                  rotor accounts list --json    Print them as JSON (docs/accounts-json.md).
                """
        )

        @Flag(help: "Print a stable JSON array instead of the table (times in UTC ISO 8601).")
        var json = false

        func run() throws {
            let store = try AccountStore(directory: .resolve(environment: ProcessInfo.processInfo.environment))
            let accounts = try store.accounts()
            let now = Date()
            if json {
                print(try AccountsJSON.render(accounts, now: now), terminator: "")
            } else {
                print(AccountsTable.render(accounts, now: now, timeZone: .current), terminator: "")
            }
        }
    }
}
