import ArgumentParser

extension Rotor {
    /// `rotor accounts …`: manage the stored ChatGPT accounts.
    struct Accounts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Manage the ChatGPT accounts rotor rotates between.",
            discussion: """
                A SELECTOR is an account's exact label, its exact email, or at least 4 characters of its id.

                Examples:
                  rotor accounts import          Import the Codex CLI's login.
                  rotor accounts add --device    Log in another account with a one-time code.
                  rotor accounts list            Show each account and its state.
                  rotor accounts reset --all     Clear every cooldown.
                """,
            subcommands: [List.self, Add.self, Import.self, Remove.self, Rename.self, Disable.self, Enable.self,
                          Reset.self]
        )
    }
}
