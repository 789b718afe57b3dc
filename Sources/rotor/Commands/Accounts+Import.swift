import ArgumentParser
import Foundation
import RotorCore
import RotorStore

extension Rotor.Accounts {
    /// `rotor accounts import [PATH]`: copy the Codex CLI's login into rotor.
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import the Codex CLI's ChatGPT login (auth.json).",
            discussion: """
                The file is read, never modified. Importing an account that is already stored updates its tokens \
                only when the file's login is newer (its access token expires later): rotor may have refreshed the \
                account since the file was written, and the file's refresh token would then be spent.

                Examples:
                  rotor accounts import                    Import the default Codex auth.json.
                  rotor accounts import ~/old/auth.json    Import a login file from elsewhere.
                """
        )

        @Argument(help: "The auth.json to import (default: $CODEX_HOME/auth.json, else ~/.codex/auth.json).")
        var path: String?

        /// Printed once after an import: refresh tokens are single-use, so two holders log each other out.
        static let reuseWarning = """
            warning: rotor now refreshes this login's tokens. Do not keep using the same login in Codex directly \
            (run Codex through `rotor run -- codex`): refresh tokens are single-use, so whichever side refreshes \
            second is logged out.
            """

        func run() throws {
            let environment = ProcessInfo.processInfo.environment
            let location = CodexAuthLocation.resolve(path, environment: environment)
            let login = try location.login(from: location.bytes())
            let store = try AccountStore(directory: .resolve(environment: environment))
            let outcome = try store.saveLogin(
                login, replacing: .whenNewer, notice: Self.refreshWaitNotice(email: login.email))
            print(Self.report(outcome, importedFrom: location.path))
            switch outcome {
            case .added, .updated: CommandOutput.printNotice(Self.reuseWarning)
            case .unchanged, .kept: break
            }
        }

        /// `Added <email> (<plan>)`, `Updated <email>`, `Unchanged <email>`, or
        /// `Kept <email>: the stored login is newer than <file>`.
        static func report(_ outcome: SaveLoginOutcome, importedFrom file: String? = nil) -> String {
            switch outcome {
            case .added(let account): "Added \(account.email)" + (account.plan.map { " (\($0))" } ?? "")
            case .updated(let account): "Updated \(account.email)"
            case .unchanged(let account): "Unchanged \(account.email)"
            case .kept(let account): "Kept \(account.email): the stored login is newer than \(file ?? "this one")"
            }
        }

        /// Says on stderr, once a save has waited a second for the account's lock, that a refresh is in flight.
        static func refreshWaitNotice(email: String) -> AccountLock.SlowWaitNotice {
            AccountLock.SlowWaitNotice(after: .seconds(1)) {
                CommandOutput.printNotice("Waiting for a token refresh of \(email)…")
            }
        }
    }
}
