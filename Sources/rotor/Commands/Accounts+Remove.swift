import ArgumentParser

extension Rotor.Accounts {
    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Not built yet.")
    }
}
