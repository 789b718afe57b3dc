import ArgumentParser

extension Rotor {
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Not built yet.")
    }
}
