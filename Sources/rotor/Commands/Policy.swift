import ArgumentParser
import Foundation
import RotorConfig
import RotorCore
import RotorStore

extension Rotor {
    /// `rotor policy show|check|simulate`: the routing policy in force, what a config file would change, and what it
    /// would have done with the recorded requests.
    struct Policy: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the routing policy in force, check a config file, or replay recent requests under one.",
            discussion: """
                The policy is read from $ROTOR_CONFIG, else $XDG_CONFIG_HOME/rotor/config.toml, else \
                ~/.config/rotor/config.toml; without a file rotor uses its default (docs/routing.md).

                Examples:
                  rotor policy show               The policy in force and where each value comes from.
                  rotor policy check new.toml     What new.toml would change; exit 78 when it is invalid.
                  rotor policy simulate --policy new.toml
                                                  The last 7 days replayed under both policies.
                """,
            subcommands: [Show.self, Check.self, Simulate.self]
        )
    }
}

/// The policy rotor is under: the config file's, else the default; and the accounts the file is resolved against.
struct PolicyCommandContext {
    /// The stored accounts (none when there is no database yet).
    let accounts: [Account]
    /// Where the config file is looked for; `nil` without HOME.
    let location: URL?

    /// Reads the store's accounts (read-only: nothing is created) and where the config file is.
    init(environment: [String: String]) throws {
        let directory = StateDirectory.resolve(environment: environment)
        if FileManager.default.fileExists(atPath: directory.databaseURL.path(percentEncoded: false)) {
            accounts = try AccountStore.readingOnly(directory: directory).accounts()
        } else {
            accounts = []
        }
        location = try ConfigLocation.url(environment: environment)
    }

    /// The file's policy; `nil` when there is no file (the default is in force).
    func load() throws(ConfigFileError) -> LoadedPolicy? {
        guard let location else { return nil }
        return try PolicyFile.load(at: location, accounts: accounts)
    }

    /// How an account is named in what `rotor policy` prints: its label, else its short id.
    func label(of id: AccountID) -> String {
        accounts.first { $0.id == id }?.label ?? id.shortID
    }

    /// The path the config file is looked for at, or words for its absence.
    var locationText: String {
        location?.path(percentEncoded: false) ?? "no config file location (neither ROTOR_CONFIG nor HOME is set)"
    }
}
