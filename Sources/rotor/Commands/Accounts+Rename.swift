import ArgumentParser

extension Rotor.Accounts {
    struct Rename: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Not built yet.")
    }
}
