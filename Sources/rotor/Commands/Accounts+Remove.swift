import ArgumentParser
import Foundation
import RotorConfig
import RotorCore
import RotorStore

extension Rotor.Accounts {
    /// `rotor accounts remove SELECTOR [--yes]`: forget an account and its tokens.
    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove an account and its tokens from rotor.",
            discussion: """
                Asks for confirmation on a terminal; without a terminal, --yes is required.

                Examples:
                  rotor accounts remove work              Remove "work" (asks first).
                  rotor accounts remove 0a1b2c3d --yes    Remove by id prefix, no question.
                """
        )

        @Argument(help: "The account: its exact label, its exact email, or at least 4 characters of its id.")
        var selector: String

        @Flag(name: .shortAndLong, help: "Remove without asking for confirmation.")
        var yes = false

        func run() throws {
            let environment = ProcessInfo.processInfo.environment
            let store = try AccountStore(directory: .resolve(environment: environment))
            let account = try AccountSelector(selector).matchUnambiguously(in: store.accounts())
            if !yes {
                guard Confirmation.canAsk else { throw CommandError.confirmationRequired(account) }
                guard Confirmation.ask("Remove \(account.label) (\(account.id.shortID), \(account.email))?") else {
                    throw CommandError.notConfirmed(account)
                }
            }
            try store.remove(account.id)
            print("Removed \(account.label) (\(account.id.shortID))")
            if let broken = ConfigFileError.afterAccountsChanged(environment: environment, accounts: try store.accounts()) {
                CommandOutput.printNotice(broken.noticeAfterAccountsChanged)
            }
        }
    }
}
