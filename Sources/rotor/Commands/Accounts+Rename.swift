import ArgumentParser
import Foundation
import RotorConfig
import RotorCore
import RotorStore

extension Rotor.Accounts {
    /// `rotor accounts rename SELECTOR LABEL`: give an account a new unique label.
    struct Rename: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give an account a new label.",
            discussion: """
                Labels are unique; a label already in use is refused, naming its holder.

                Examples:
                  rotor accounts rename me@example.com work    Label it "work".
                  rotor accounts rename 0a1b2c3d "side job"    Rename by id prefix.
                """
        )

        @Argument(help: "The account: its exact label, its exact email, or at least 4 characters of its id.")
        var selector: String

        @Argument(help: "The new label.")
        var label: String

        func run() throws {
            let environment = ProcessInfo.processInfo.environment
            let store = try AccountStore(directory: .resolve(environment: environment))
            let account = try AccountSelector(selector).match(in: store.accounts())
            try store.rename(account.id, to: label)
            let renamed = try store.account(account.id)?.label ?? label
            print("Renamed \(account.label) to \(renamed) (\(account.id.shortID))")
            if let broken = ConfigFileError.afterAccountsChanged(environment: environment, accounts: try store.accounts()) {
                CommandOutput.printNotice(broken.noticeAfterAccountsChanged)
            }
        }
    }
}
