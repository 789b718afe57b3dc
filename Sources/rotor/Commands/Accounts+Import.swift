import ArgumentParser

extension Rotor.Accounts {
    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Not built yet.")
    }
}
