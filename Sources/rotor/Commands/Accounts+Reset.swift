import ArgumentParser

extension Rotor.Accounts {
    struct Reset: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Not built yet.")
    }
}
