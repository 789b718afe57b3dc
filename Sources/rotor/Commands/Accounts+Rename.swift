import ArgumentParser
import Foundation
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
            let store = try AccountStore(directory: .resolve(environment: ProcessInfo.processInfo.environment))
            let account = try AccountSelector(selector).match(in: store.accounts())
            try store.rename(account.id, to: label)
            let renamed = try store.account(account.id)?.label ?? label
            print("Renamed \(account.label) to \(renamed) (\(account.id.shortID))")
        }
    }
}
