import ArgumentParser
import Foundation
import RotorConfig
import RotorCore
import RotorStore

extension Rotor.Policy {
    /// `rotor policy simulate [--policy FILE] [--days N] [--json]`: the recorded traffic replayed under the policy in
    /// force and, when given, a candidate, side by side.
    struct Simulate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replay the requests of the last days under the policy in force and a candidate.",
            discussion: """
                Replays the requests your accounts served (the decision log) against simulated accounts whose \
                usage windows fill by what a request cost them, as estimated from the usage history, and shows \
                what each policy would have done: requests per account, account switches, minutes with a dry \
                pool, when each account would first be exhausted, and quota left unused at resets. How it works \
                and what it cannot know: docs/routing.md, "Simulating a policy".

                Examples:
                  rotor policy simulate --policy try.toml
                      The policy in force against try.toml's, over the last 7 days.
                  rotor policy simulate --days 3 --json
                      As JSON (docs/policy-simulate-json.md).
                """
        )

        @Option(help: ArgumentHelp(
            "A policy file to compare (TOML, as the config file); without it, the policy in force alone.",
            valueName: "file"))
        var policy: String?

        @Option(help: "How many days to replay (at least 1; at most what the store holds, which is said).")
        var days = 7

        @Flag(help: "Print JSON (docs/policy-simulate-json.md).")
        var json = false

        func validate() throws {
            guard days >= 1 else { throw ValidationError("--days must be at least 1.") }
        }

        func run() throws {
            let environment = ProcessInfo.processInfo.environment
            let inForce = try PolicyCommandContext(environment: environment)
            let current = try inForce.load()?.policy ?? .default
            var candidate: RoutingPolicy?
            if let policy {
                guard let loaded = try PolicyFile.load(at: URL(fileURLWithPath: policy), accounts: inForce.accounts)
                else { throw CommandError.policyFileNotFound(policy) }
                candidate = loaded.policy
            }
            let directory = StateDirectory.resolve(environment: environment)
            let traffic = FileManager.default.fileExists(atPath: directory.databaseURL.path(percentEncoded: false))
                ? try RecordedTraffic.read(from: AccountStore.readingOnly(directory: directory), days: days, now: Date())
                : nil
            guard let traffic else {
                print("Nothing to replay: no request served through rotor and no usage recorded yet.")
                return
            }
            let report = PolicySimulationReport(traffic: traffic, inForce: current, candidate: candidate)
            print(json ? try report.json() : report.text(now: Date(), timeZone: .current), terminator: "")
        }
    }
}
