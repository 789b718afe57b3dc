import ArgumentParser
import Foundation
import RotorCore
import RotorStore

extension Rotor.Accounts {
    /// `rotor accounts reset [SELECTOR | --all]`: clear cooldowns so accounts are tried again at once.
    struct Reset: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Clear the cooldown of an account (or all) so it is tried again now.",
            discussion: """
                Use it when a cooldown outlives the real limit (see runbooks/cooldown-outlived-reset.md). Also clears \
                the failure count and the last reported usage; the usage history stays.

                Examples:
                  rotor accounts reset work     Clear the cooldown of "work".
                  rotor accounts reset --all    Clear every account's cooldown.
                """
        )

        @Argument(help: "The account: its exact label, its exact email, or at least 4 characters of its id.")
        var selector: String?

        @Flag(help: "Clear the cooldowns of every account.")
        var all = false

        func validate() throws {
            guard (selector != nil) != all else {
                throw ValidationError(all ? "Pass either an account or --all, not both." : "Pass an account or --all.")
            }
        }

        func run() throws {
            let store = try AccountStore(directory: .resolve(environment: ProcessInfo.processInfo.environment))
            guard let selector else {
                try store.clearCooldowns(nil)
                print("Cleared the cooldowns of all accounts")
                return
            }
            let account = try AccountSelector(selector).match(in: store.accounts())
            try store.clearCooldowns([account.id])
            print("Cleared the cooldown of \(account.label) (\(account.id.shortID))")
        }
    }
}
