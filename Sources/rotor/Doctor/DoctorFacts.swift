import Foundation
import RotorAuth
import RotorConfig
import RotorCore
import RotorProxy
import RotorStore

/// The imperative part of `rotor doctor`: reads the machine and the state (never creating or changing anything) and
/// hands the facts to ``DoctorChecks``.
struct DoctorFacts {
    let environment: [String: String]

    /// Every check, in the order `rotor doctor` prints them.
    func findings(now: Date) async -> [DoctorFinding] {
        let directory = StateDirectory.resolve(environment: environment)
        var findings = [stateDirectory(directory)]
        let (store, database) = openStore(directory)
        findings.append(database)
        let accounts = (try? store?.accounts()) ?? []
        findings.append(DoctorChecks.logins(accounts))
        findings.append(DoctorChecks.cooldowns(accounts, now: now))
        let codex = codexOnPath()
        findings.append(DoctorChecks.codex(path: codex, version: codex.flatMap(Self.version(of:))))
        findings.append(codexLogin(store: store, accounts: accounts))
        findings.append(environmentFinding())
        findings.append(configFinding(accounts: accounts))
        let busy = await CallbackPorts.busy()
        findings.append(DoctorChecks.loginPorts(busy: busy, all: LoginSettings.defaultCallbackPorts))
        return findings
    }

    private func stateDirectory(_ directory: StateDirectory) -> DoctorFinding {
        let path = directory.url.path(percentEncoded: false)
        let manager = FileManager.default
        guard manager.fileExists(atPath: path) else {
            return DoctorChecks.stateDirectory(path: path, exists: false, looseModes: [])
        }
        var loose: [(path: String, mode: UInt16)] = []
        func check(_ item: String, allowed: UInt16) {
            guard let mode = (try? manager.attributesOfItem(atPath: item))?[.posixPermissions] as? Int else { return }
            if UInt16(mode) & ~allowed & 0o777 != 0 { loose.append((item, UInt16(mode) & 0o777)) }
        }
        check(path, allowed: 0o700)
        for folder in [directory.url, directory.logsDirectory, directory.locksDirectory, directory.recoveryDirectory] {
            let folderPath = folder.path(percentEncoded: false)
            for name in (try? manager.contentsOfDirectory(atPath: folderPath)) ?? [] {
                let item = folder.appending(path: name).path(percentEncoded: false)
                var isDirectory: ObjCBool = false
                guard manager.fileExists(atPath: item, isDirectory: &isDirectory) else { continue }
                check(item, allowed: isDirectory.boolValue ? 0o700 : 0o600)
            }
        }
        return DoctorChecks.stateDirectory(path: path, exists: true, looseModes: loose)
    }

    /// The store, opened read-only if its database exists (doctor creates and changes nothing), and the database's
    /// finding.
    private func openStore(_ directory: StateDirectory) -> (AccountStore?, DoctorFinding) {
        guard FileManager.default.fileExists(atPath: directory.databaseURL.path(percentEncoded: false)) else {
            return (nil, DoctorChecks.database(openError: nil, problems: [], schema: nil))
        }
        do {
            let store = try AccountStore.readingOnly(directory: directory)
            let finding = DoctorChecks.database(
                openError: nil, problems: try store.integrityProblems(), schema: try store.schemaVersion())
            return (store, finding)
        } catch {
            return (nil, DoctorChecks.database(openError: "\(error)", problems: [], schema: nil))
        }
    }

    /// The first executable `codex` on PATH.
    private func codexOnPath() -> String? {
        for folder in (environment["PATH"] ?? "").split(separator: ":") where !folder.isEmpty {
            let candidate = URL(fileURLWithPath: String(folder)).appending(path: "codex").path(percentEncoded: false)
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// The first line `codex --version` prints, waiting at most 5 s.
    private static func version(of codex: String) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: codex)
        process.arguments = ["--version"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning {
            process.terminate()
            return nil
        }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return text.split(separator: "\n").first.map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// Whether the Codex login holds a rotor account's refresh token (compared, never printed).
    private func codexLogin(store: AccountStore?, accounts: [Account]) -> DoctorFinding {
        let location = CodexAuthLocation.resolve(nil, environment: environment)
        guard let bytes = try? location.bytes(), let login = try? CodexAuthFile.parse(bytes) else {
            return .ok("codex-login", "no Codex login at \(location.path)")
        }
        let shared = accounts.first { account in
            (try? store?.credentials(for: account.id))??.refreshToken == login.credentials.refreshToken
        }
        return DoctorChecks.codexLogin(path: location.path, sharedWith: shared)
    }

    /// The config file at its location, resolved against the stored accounts.
    private func configFinding(accounts: [Account]) -> DoctorFinding {
        guard let location = ConfigLocation.url(environment: environment) else {
            return DoctorChecks.config(path: nil, version: nil, error: nil)
        }
        do {
            let loaded = try PolicyFile.load(at: location, accounts: accounts)
            return DoctorChecks.config(
                path: location.path(percentEncoded: false), version: loaded?.policy.version, error: nil)
        } catch {
            return DoctorChecks.config(path: location.path(percentEncoded: false), version: nil, error: error.description)
        }
    }

    private func environmentFinding() -> DoctorFinding {
        do {
            _ = try ProxyConfiguration.fromEnvironment(environment, secret: ProxySecret.generate())
            return DoctorChecks.environment(error: nil)
        } catch {
            return DoctorChecks.environment(error: error.description)
        }
    }
}
