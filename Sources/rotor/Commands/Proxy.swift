import ArgumentParser

extension Rotor {
    struct Proxy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Not built yet.")
    }
}
