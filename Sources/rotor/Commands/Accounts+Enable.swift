import ArgumentParser
import Foundation
import RotorCore
import RotorStore

extension Rotor.Accounts {
    /// `rotor accounts enable SELECTOR`: put an account back into rotation.
    struct Enable: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Put an account back into rotation.",
            discussion: """
                The account becomes ready (a cooldown still applies; `rotor accounts reset` clears it). An account \
                that needs login is refused: log it in again with `rotor accounts add` instead.

                Examples:
                  rotor accounts enable work     Use the account labelled "work" again.
                """
        )

        @Argument(help: "The account: its exact label, its exact email, or at least 4 characters of its id.")
        var selector: String

        func run() throws {
            let store = try AccountStore(directory: .resolve(environment: ProcessInfo.processInfo.environment))
            let account = try AccountSelector(selector).match(in: store.accounts())
            if case .needsLogin(let reason) = account.status {
                throw CommandError.needsLogin(account, reason: reason)
            }
            try store.setStatus(.ready, for: account.id)
            print("Enabled \(account.label) (\(account.id.shortID))")
        }
    }
}
