import ArgumentParser

extension Rotor.Accounts {
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Not built yet.")
    }
}
