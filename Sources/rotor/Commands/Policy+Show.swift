import ArgumentParser
import Foundation
import RotorConfig
import RotorCore

extension Rotor.Policy {
    /// `rotor policy show [--json]`: the policy in force, where each value comes from, and its version.
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the routing policy in force and where each value comes from.",
            discussion: """
                Each value comes from the config file (<file>:<line>) or is the default. An invalid config file \
                is reported in one line, with exit status 78.

                Examples:
                  rotor policy show
                  rotor policy show --json
                """
        )

        @Flag(help: "Print JSON: {\"version\", \"file\", \"values\": [{\"key\", \"value\", \"source\"}]}.")
        var json = false

        func run() throws {
            let inForce = try PolicyInForce(environment: ProcessInfo.processInfo.environment)
            let loaded = try inForce.load()
            let entries = PolicyShowEntry.entries(
                loaded?.policy ?? .default, lines: loaded?.lines ?? [:], path: loaded?.path,
                accounts: inForce.accounts)
            let version = (loaded?.policy ?? .default).version
            if json {
                print(try PolicyShowEntry.json(entries, version: version, file: loaded?.path), terminator: "")
            } else {
                let header = loaded.map { "policy \(version) from \($0.path)" }
                    ?? "policy \(version) (the default: no file at \(inForce.locationText))"
                print(PolicyShowEntry.text(entries, header: header), terminator: "")
            }
        }
    }
}

/// One value of the policy in force, as `rotor policy show` prints it.
struct PolicyShowEntry: Equatable, Encodable {
    /// What the value is: `strategy`, `reserve weekly`, `work priority`, `work reserve weekly`.
    let key: String
    /// The value as printed: `headroom`, `30%`, `1`.
    let value: String
    /// `default`, or `<file>:<line>`.
    let source: String

    /// The strategy, the reserves, `when-all-reserved`, then each stored account's priority and its own reserves.
    static func entries(_ policy: RoutingPolicy, lines: [String: Int], path: String?, accounts: [Account])
        -> [PolicyShowEntry]
    {
        func source(_ key: String) -> String {
            guard let path, let line = lines[key] else { return "default" }
            return "\(path):\(line)"
        }
        var entries = [PolicyShowEntry(key: "strategy", value: policy.strategy.name, source: source("routing.strategy"))]
        if policy.reserves.isEmpty {
            entries.append(PolicyShowEntry(key: "reserve", value: "none", source: "default"))
        }
        for (window, percent) in policy.reserves.sorted(by: { $0.key < $1.key }) {
            entries.append(PolicyShowEntry(
                key: "reserve \(window)", value: PercentText(percent).description,
                source: source("routing.reserve.\(window)")))
        }
        entries.append(PolicyShowEntry(
            key: "when-all-reserved", value: policy.whenAllReserved.name, source: source("routing.when-all-reserved")))
        for account in accounts {
            let prefix = "accounts.\"\(account.label)\""
            entries.append(PolicyShowEntry(
                key: "\(account.label) priority", value: String(policy.priority(of: account.id)),
                source: source(prefix + ".priority")))
            for (window, percent) in (policy.accountReserves[account.id] ?? [:]).sorted(by: { $0.key < $1.key }) {
                entries.append(PolicyShowEntry(
                    key: "\(account.label) reserve \(window)", value: PercentText(percent).description,
                    source: source(prefix + ".reserve.\(window)")))
            }
        }
        return entries
    }

    /// The header, then one aligned line per entry: key, value, source.
    static func text(_ entries: [PolicyShowEntry], header: String) -> String {
        let keyWidth = entries.map(\.key.count).max() ?? 0
        let valueWidth = entries.map(\.value.count).max() ?? 0
        let lines = entries.map { entry in
            entry.key.padding(toLength: keyWidth, withPad: " ", startingAt: 0) + "  "
                + entry.value.padding(toLength: valueWidth, withPad: " ", startingAt: 0) + "  " + entry.source
        }
        return ([header] + lines).joined(separator: "\n") + "\n"
    }

    /// `{"file": <path or null>, "values": [...], "version": "<8 hex digits>"}`, pretty-printed with sorted keys.
    static func json(_ entries: [PolicyShowEntry], version: String, file: String?) throws -> String {
        struct Document: Encodable {
            let version: String
            let file: String?
            let values: [PolicyShowEntry]

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(version, forKey: .version)
                try container.encode(file, forKey: .file)
                try container.encode(values, forKey: .values)
            }

            enum CodingKeys: String, CodingKey {
                case version, file, values
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(Document(version: version, file: file, values: entries))
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
