import ArgumentParser
import RotorCore

#if canImport(Glibc)
import Glibc
#endif

/// The `rotor` command line: `rotor run -- codex …` and the commands that manage accounts.
struct Rotor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotor",
        abstract: "Run the Codex CLI across several ChatGPT accounts, switching accounts when one hits its limit.",
        discussion: """
            Examples:
              rotor accounts import    Import the Codex CLI's login (~/.codex/auth.json).
              rotor accounts add       Log in another ChatGPT account in the browser.
              rotor run -- codex       Run Codex through the rotation proxy.
              rotor status             See which accounts can serve, and their usage.
              rotor log                See which account served each request, and why.
              rotor policy show        See the routing policy in force (docs/routing.md).
            """,
        version: RotorVersion.current,
        subcommands: [Run.self, Accounts.self, Status.self, Proxy.self, Log.self, Usage.self, Doctor.self, Policy.self]
    )
}

/// rotor's version string.
enum RotorVersion {
    static let current = "0.1.0"
}

/// Entry point: parses the command line, runs the command, and maps failures to one stderr line and an exit code.
@main
enum RotorMain {
    static func main() async {
        DescriptorLimit.raiseToHardLimit()
        do {
            var command = try Rotor.parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as any UserFacingError {
            CommandOutput.printError(error.description)
            exit(error.exitCode)
        } catch {
            Rotor.exit(withError: error)
        }
    }
}
