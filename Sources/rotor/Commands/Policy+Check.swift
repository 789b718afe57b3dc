import ArgumentParser
import Foundation
import RotorConfig
import RotorCore

extension Rotor.Policy {
    /// `rotor policy check [FILE]`: validates a config file and says how it differs from the policy in force.
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a config file and say how its policy differs from the one in force.",
            discussion: """
                FILE defaults to the config file rotor reads, which is then compared with the default policy. A \
                FILE given is compared with the policy in force (the config file's, else the default). Prints one \
                line per change, then the file's policy version; exit status 78 when the file is invalid.

                Examples:
                  rotor policy check
                  rotor policy check ~/new-policy.toml
                """
        )

        @Argument(help: "The config file to check (default: the one rotor reads).")
        var file: String?

        func run() throws {
            let inForce = try PolicyInForce(environment: ProcessInfo.processInfo.environment)
            let candidate: LoadedPolicy
            let baseline: RoutingPolicy
            var lines: [String] = []
            if let file {
                let url = URL(fileURLWithPath: file)
                guard let loaded = try PolicyFile.load(at: url, accounts: inForce.accounts) else {
                    throw ConfigFileError(
                        path: url.path(percentEncoded: false), problem: "no such file; name the config file to check")
                }
                candidate = loaded
                do {
                    if let current = try inForce.load() {
                        baseline = current.policy
                        lines.append("\(candidate.path) is valid; compared with \(current.path):")
                    } else {
                        baseline = .default
                        lines.append("\(candidate.path) is valid; compared with the default policy (no file at "
                            + "\(inForce.locationText)):")
                    }
                } catch {
                    baseline = .default
                    lines.append("the config file in force is invalid (\(error.description)), so rotor uses the "
                        + "default policy; \(candidate.path) is valid; compared with the default policy:")
                }
            } else {
                guard let loaded = try inForce.load() else {
                    print("no config file at \(inForce.locationText): the default policy is in force "
                        + "(version \(RoutingPolicy.default.version))")
                    return
                }
                candidate = loaded
                baseline = .default
                lines.append("\(candidate.path) is valid; compared with the default policy:")
            }
            let changes = RoutingPolicyChange.changes(from: baseline, to: candidate.policy, label: inForce.label(of:))
            lines += changes.isEmpty ? ["no change"] : changes.map(\.description)
            lines.append("version \(candidate.policy.version)")
            print(lines.joined(separator: "\n"))
        }
    }
}
