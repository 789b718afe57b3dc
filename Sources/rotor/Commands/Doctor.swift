import ArgumentParser
import Foundation

extension Rotor {
    /// `rotor doctor [--json]`: checks the state directory, the database, the accounts, Codex and the environment.
    struct Doctor: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check rotor's state and surroundings, and say how to fix what is off.",
            discussion: """
                Checks: the state directory's permissions; the database (integrity and schema); accounts that need \
                a login; cooldowns longer than the limit they came from; the codex binary and its version; a Codex \
                login that shares a rotor account's refresh token; the ROTOR_ variables; the config file; the ports \
                the browser login uses. It changes nothing. Exit status 1 when a check needs action, else 0.

                Examples:
                  rotor doctor
                  rotor doctor --json
                """
        )

        @Flag(help: "Print JSON: {\"checks\": [{\"check\", \"status\", \"summary\", \"fix\"}], \"needs_action\"}.")
        var json = false

        func run() async throws {
            let findings = await DoctorFacts(environment: ProcessInfo.processInfo.environment).findings(now: Date())
            let needsAction = findings.contains { $0.status == .action }
            if json {
                print(try DoctorReport.json(findings), terminator: "")
            } else {
                print(DoctorReport.text(findings), terminator: "")
            }
            if needsAction { throw ExitCode(1) }
        }
    }
}

/// How `rotor doctor` prints its findings.
enum DoctorReport {
    /// One line per check (`ok`, `warning`, `action`), the fix indented below it.
    static func text(_ findings: [DoctorFinding]) -> String {
        let width = findings.map(\.check.count).max() ?? 0
        var lines = findings.flatMap { finding -> [String] in
            let line = "\(finding.status.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)) "
                + "\(finding.check.padding(toLength: width, withPad: " ", startingAt: 0))  \(finding.summary)"
            return [line] + (finding.fix.map { ["        fix: \($0)"] } ?? [])
        }
        let actions = findings.filter { $0.status == .action }.count
        lines.append(actions == 0 ? "Nothing needs action." : "\(actions) check(s) need action.")
        return lines.joined(separator: "\n") + "\n"
    }

    /// `{"checks": [...], "needs_action": Bool}`, pretty-printed with sorted keys.
    static func json(_ findings: [DoctorFinding]) throws -> String {
        struct Document: Encodable {
            let checks: [DoctorFinding]
            let needsAction: Bool
            enum CodingKeys: String, CodingKey {
                case checks
                case needsAction = "needs_action"
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let document = Document(checks: findings, needsAction: findings.contains { $0.status == .action })
        return String(decoding: try encoder.encode(document), as: UTF8.self) + "\n"
    }
}
