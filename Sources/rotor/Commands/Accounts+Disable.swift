import ArgumentParser

extension Rotor.Accounts {
    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Not built yet.")
    }
}
