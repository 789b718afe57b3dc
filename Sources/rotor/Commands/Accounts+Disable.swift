import ArgumentParser
import Foundation
import RotorCore
import RotorStore

extension Rotor.Accounts {
    /// `rotor accounts disable SELECTOR`: take an account out of rotation until enabled again.
    struct Disable: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take an account out of rotation until it is enabled again.",
            discussion: """
                Examples:
                  rotor accounts disable work    Stop using the account labelled "work".
                """
        )

        /// The reason stored with a disable by the user.
        static let reason = "disabled with `rotor accounts disable`"

        @Argument(help: "The account: its exact label, its exact email, or at least 4 characters of its id.")
        var selector: String

        func run() throws {
            let store = try AccountStore(directory: .resolve(environment: ProcessInfo.processInfo.environment))
            let account = try AccountSelector(selector).matchUnambiguously(in: store.accounts())
            try store.setStatus(.disabled(reason: Self.reason), for: account.id)
            print("Disabled \(account.label) (\(account.id.shortID))")
        }
    }
}
