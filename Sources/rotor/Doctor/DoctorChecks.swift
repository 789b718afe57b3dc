import Foundation
import RotorCore

/// The pure part of `rotor doctor`: each check's finding from the facts `DoctorFacts` gathered.
enum DoctorChecks {
    /// The Codex CLI version rotor was tested with.
    static let testedCodexVersion = CodexClient.testedVersion

    /// Files or directories in the state directory that others may read: the directory must be 0700, its files 0600.
    static func stateDirectory(path: String, exists: Bool, looseModes: [(path: String, mode: UInt16)]) -> DoctorFinding {
        guard exists else { return .ok("state-directory", "\(path) does not exist yet (no account added)") }
        guard !looseModes.isEmpty else { return .ok("state-directory", "\(path) is private (0700, files 0600)") }
        let listed = looseModes.map { "\($0.path) (\(String($0.mode, radix: 8)))" }.joined(separator: ", ")
        return DoctorFinding(
            check: "state-directory", status: .action,
            summary: "others may read rotor's state: \(listed)",
            fix: "chmod -R go-rwx '\(path)'")
    }

    /// The database opens, passes SQLite's integrity check, and has every migration of this rotor.
    static func database(openError: String?, problems: [String], schema: (applied: Int, known: Int)?) -> DoctorFinding {
        let runbook = "see runbooks/recover-state-directory.md"
        if let openError {
            return DoctorFinding(check: "database", status: .action, summary: "cannot open the database: \(openError)",
                                 fix: runbook)
        }
        if !problems.isEmpty {
            return DoctorFinding(
                check: "database", status: .action,
                summary: "the integrity check failed: " + problems.prefix(3).joined(separator: "; "), fix: runbook)
        }
        guard let schema else { return .ok("database", "no database yet") }
        return .ok("database", "integrity ok; schema \(schema.applied) of \(schema.known) migrations")
    }

    /// Accounts that need a login.
    static func logins(_ accounts: [Account]) -> DoctorFinding {
        let dead = accounts.filter { if case .needsLogin = $0.status { true } else { false } }
        guard !dead.isEmpty else { return .ok("logins", "\(accounts.count) account(s), none needs a login") }
        let listed = dead.map { "\($0.label) (\($0.status.reason ?? "login refused"))" }.joined(separator: ", ")
        return DoctorFinding(
            check: "logins", status: .action, summary: "needs a new login: \(listed)",
            fix: "run `rotor accounts add` and log in as " + dead.map(\.email).joined(separator: ", "))
    }

    /// Cooldowns further out than the window they came from: a usage limit beyond the account's longest usage window
    /// (a week when it reported none), any other cooldown beyond a day.
    static func cooldowns(_ accounts: [Account], now: Date) -> DoctorFinding {
        var suspicious: [String] = []
        for account in accounts {
            guard let cooldown = account.activeCooldown(at: now) else { continue }
            let windows = [account.usage?.primary, account.usage?.secondary].compactMap { $0?.windowMinutes }
            let limit: TimeInterval =
                cooldown.reason == .usageLimit ? Double(windows.max() ?? 7 * 24 * 60) * 60 : 24 * 3600
            if cooldown.until.timeIntervalSince(now) > limit {
                suspicious.append("\(account.label) (\(cooldown.reason.rawValue), \(Int(cooldown.until.timeIntervalSince(now) / 3600)) h)")
            }
        }
        guard !suspicious.isEmpty else { return .ok("cooldowns", "no cooldown outlasts its window") }
        return DoctorFinding(
            check: "cooldowns", status: .action,
            summary: "cooling longer than their limit lasts: " + suspicious.joined(separator: ", "),
            fix: "if the limit is back, run `rotor accounts reset SELECTOR` (runbooks/cooldown-outlived-reset.md)")
    }

    /// The Codex CLI: on PATH, and the version rotor was tested with.
    static func codex(path: String?, version: String?) -> DoctorFinding {
        guard let path else {
            return DoctorFinding(check: "codex", status: .warning, summary: "no `codex` on PATH",
                                 fix: "install the Codex CLI \(testedCodexVersion) to use `rotor run -- codex`")
        }
        guard let version, version.contains(testedCodexVersion) else {
            return DoctorFinding(
                check: "codex", status: .warning,
                summary: "\(path) is \(version ?? "of an unknown version"); rotor was tested with \(testedCodexVersion)",
                fix: "if Codex misbehaves through rotor, use \(testedCodexVersion)")
        }
        return .ok("codex", "\(path) is \(testedCodexVersion)")
    }

    /// A Codex login that holds the same refresh token as a rotor account: both would refresh it, and the second
    /// to do so is logged out.
    static func codexLogin(path: String, sharedWith account: Account?) -> DoctorFinding {
        guard let account else { return .ok("codex-login", "\(path) shares no login with rotor") }
        return DoctorFinding(
            check: "codex-login", status: .action,
            summary: "\(path) holds the same login as \(account.label): Codex and rotor would both refresh it",
            fix: "run `codex logout` (rotor keeps the login), or stop using that account in Codex directly")
    }

    /// The `ROTOR_` variables.
    static func environment(error: String?) -> DoctorFinding {
        guard let error else { return .ok("environment", "every ROTOR_ variable is valid") }
        return DoctorFinding(check: "environment", status: .action, summary: error,
                             fix: "fix or unset the variable (README lists them)")
    }

    /// The config file: the one in force, or why it is not.
    /// - Parameters:
    ///   - path: where the file is looked for; `nil` when neither ROTOR_CONFIG, XDG_CONFIG_HOME nor HOME is set.
    ///   - version: the version of the file's policy when it is valid; `nil` when there is no file or it is invalid.
    ///   - error: the file's one-line error when it is invalid.
    static func config(path: String?, version: String?, error: String?) -> DoctorFinding {
        if let error {
            return DoctorFinding(
                check: "config", status: .action, summary: error,
                fix: "correct that line (docs/routing.md lists the keys), then run `rotor policy check`")
        }
        guard let path else {
            return .ok("config", "no config file (neither ROTOR_CONFIG nor HOME is set): the default policy is in force")
        }
        guard let version else { return .ok("config", "no file at \(path): the default policy is in force") }
        return .ok("config", "\(path) is in force (policy \(version))")
    }

    /// The ports the browser login comes back to.
    static func loginPorts(busy: [Int], all: [Int]) -> DoctorFinding {
        guard !busy.isEmpty else {
            return .ok("login-ports", "ports " + all.map(String.init).joined(separator: ", ") + " are free")
        }
        let status: DoctorFinding.Status = busy.count == all.count ? .action : .warning
        return DoctorFinding(
            check: "login-ports", status: status,
            summary: "in use: " + busy.map(String.init).joined(separator: ", "),
            fix: "`rotor accounts add` needs one of them; stop what holds it (`ss -ltnp`), or use `--device`")
    }
}
