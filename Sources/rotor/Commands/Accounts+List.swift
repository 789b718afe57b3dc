import ArgumentParser

extension Rotor.Accounts {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Not built yet.")
    }
}
