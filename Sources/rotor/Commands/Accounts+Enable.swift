import ArgumentParser

extension Rotor.Accounts {
    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Not built yet.")
    }
}
