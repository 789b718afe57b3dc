import ArgumentParser

extension Rotor {
    /// `rotor accounts …`: manage the stored ChatGPT accounts.
    struct Accounts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Manage the ChatGPT accounts rotor rotates between.",
            subcommands: [List.self, Add.self, Import.self, Remove.self, Rename.self, Disable.self, Enable.self,
                          Reset.self]
        )
    }
}
