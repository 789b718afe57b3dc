import Foundation
import GRDB
import Testing

/// The check every CLI run of this suite passes through: nothing rotor prints or logs contains a token or a secret.
///
/// The secrets are collected from the run's environment, as they are after the run: the tokens of every login file
/// under `HOME` and `CODEX_HOME`, the tokens the store under `ROTOR_HOME` holds, and the proxy secret files. Anything
/// shaped like a JWT counts too, so that an access token minted during the run (and stored nowhere the check looks) is
/// still caught. The outputs are what the run printed plus `ROTOR_HOME/logs/rotor.log`.
struct OutputSecrecy {
    /// A value shorter than this is not treated as a secret: test logins use placeholders such as `rt` whose every
    /// occurrence in ordinary text would be a false alarm.
    static let shortestSecret = 8

    /// One secret found in one output.
    struct Finding: CustomStringConvertible {
        /// Which output (`stdout`, `stderr`, `rotor.log`, …).
        var output: String
        /// What kind of secret, and where it came from; never the secret itself.
        var secret: String

        var description: String { "\(output) contains \(secret)" }
    }

    /// What counts as a secret, named by where it came from.
    private(set) var secrets: [String: String] = [:]

    /// The secrets of the environment a run used (`HOME`, `CODEX_HOME`, `ROTOR_HOME`).
    init(environment: [String: String]) {
        for key in ["HOME", "CODEX_HOME"] {
            guard let root = environment[key] else { continue }
            for file in Self.files(under: URL(fileURLWithPath: root), depth: 3) where file.pathExtension == "json" {
                addTokens(ofLoginFile: file)
            }
        }
        guard let rotorHome = environment["ROTOR_HOME"].map(URL.init(fileURLWithPath:)) else { return }
        addTokens(ofStore: rotorHome.appending(path: "rotor.sqlite"))
        let home = environment["HOME"].map(URL.init(fileURLWithPath:))
        for file in Self.files(under: rotorHome, depth: 1) + Self.files(under: home, depth: 1)
        where file.pathExtension == "secret" {
            let text = try? String(contentsOf: file, encoding: .utf8)
            let secret = text?.trimmingCharacters(in: .whitespacesAndNewlines)
            add(secret, as: "the proxy secret in \(file.lastPathComponent)")
        }
    }

    /// The secrets found in `text`, an output named `output`.
    func findings(in text: String, output: String) -> [Finding] {
        // Header and payload of a JWT: base64url of `{"…` twice, dot-separated.
        var findings = secrets.filter { text.contains($0.key) }.map { Finding(output: output, secret: $0.value) }
        if text.firstMatch(of: /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\./) != nil {
            findings.append(Finding(output: output, secret: "a JWT (an access or id token)"))
        }
        return findings.sorted { $0.description < $1.description }
    }

    /// Records an issue for every secret in the run's outputs and in the environment's `rotor.log`.
    static func audit(
        _ outputs: [String: String],
        environment: [String: String],
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let secrecy = OutputSecrecy(environment: environment)
        var outputs = outputs
        if let rotorHome = environment["ROTOR_HOME"] {
            let log = URL(fileURLWithPath: rotorHome).appending(path: "logs/rotor.log")
            outputs["rotor.log"] = try? String(contentsOf: log, encoding: .utf8)
        }
        for (name, text) in outputs.sorted(by: { $0.key < $1.key }) {
            for finding in secrecy.findings(in: text, output: name) {
                Issue.record("a secret was printed: \(finding)", sourceLocation: sourceLocation)
            }
        }
    }

    private mutating func add(_ value: String?, as name: String) {
        guard let value, value.count >= Self.shortestSecret else { return }
        secrets[value] = name
    }

    private mutating func addTokens(ofLoginFile file: URL) {
        guard let data = try? Data(contentsOf: file),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let tokens = object["tokens"] as? [String: Any]
        else { return }
        for key in ["id_token", "access_token", "refresh_token"] {
            add(tokens[key] as? String, as: "the \(key) of \(file.lastPathComponent)")
        }
    }

    private mutating func addTokens(ofStore url: URL) {
        guard FileManager.default.fileExists(atPath: url.path) else { return }
        var configuration = Configuration()
        configuration.readonly = true
        guard let database = try? DatabaseQueue(path: url.path, configuration: configuration),
            let rows = try? database.read({ db in
                try Row.fetchAll(db, sql: "SELECT label, id_token, access_token, refresh_token FROM account")
            })
        else { return }
        for row in rows {
            let label: String = row["label"] ?? "?"
            for column in ["id_token", "access_token", "refresh_token"] {
                add(row[column], as: "the stored \(column) of account \(label)")
            }
        }
    }

    /// The regular files under `root`, down to `depth` levels of directories.
    private static func files(under root: URL?, depth: Int) -> [URL] {
        guard let root, depth > 0,
            let entries = try? FileManager.default.contentsOfDirectory(
                at: root, includingPropertiesForKeys: [.isDirectoryKey, .isRegularFileKey])
        else { return [] }
        return entries.flatMap { entry -> [URL] in
            let values = try? entry.resourceValues(forKeys: [.isDirectoryKey, .isRegularFileKey])
            if values?.isDirectory == true { return files(under: entry, depth: depth - 1) }
            return values?.isRegularFile == true ? [entry] : []
        }
    }
}
