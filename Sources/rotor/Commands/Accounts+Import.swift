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
                The file is read, never modified. Importing the same account again updates its tokens.

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
            print(Self.report(try store.saveLogin(login)))
            CommandOutput.printNotice(Self.reuseWarning)
        }

        /// `Added <email> (<plan>)` or `Updated <email>`.
        static func report(_ outcome: SaveLoginOutcome) -> String {
            switch outcome {
            case .added(let account): "Added \(account.email)" + (account.plan.map { " (\($0))" } ?? "")
            case .updated(let account): "Updated \(account.email)"
            }
        }
    }
}
