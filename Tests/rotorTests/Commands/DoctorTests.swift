import Foundation
import RotorCore
import RotorStore
import Testing

/// `rotor doctor` over a real home: a healthy state, and one with problems it names with their fixes.
struct DoctorTests {
    /// A fresh home: nothing needs action (no codex on PATH is only a warning), and nothing is created.
    @Test func aFreshHomeNeedsNothing() throws {
        let home = try RotorHome()
        defer { home.remove() }
        let result = try home.rotor("doctor")
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.hasSuffix("Nothing needs action.\n"))
        #expect(!FileManager.default.fileExists(atPath: home.rotorHome.path), "doctor creates nothing")
    }

    /// A login shared with Codex, a loose database file and an account that needs a login: exit 1, each named with
    /// its fix; no token is printed.
    @Test func namesWhatNeedsAction() throws {
        let home = try RotorHome()
        defer { home.remove() }
        try home.writeAuthFile(AuthFile.login(email: "me@x.io", refreshToken: "rt-SECRET-shared"))
        #expect(try home.rotor("accounts", "import").status == 0)
        let store = try AccountStore(directory: StateDirectory(url: home.rotorHome))
        let id = try #require(try store.accounts().first?.id)
        try store.setStatus(.needsLogin(reason: "refresh_token_reused"), for: id)
        #expect(chmod(home.databaseURL.path, 0o644) == 0)

        let result = try home.rotor("doctor", "--json")
        #expect(result.status == 1)
        #expect(!result.stdout.contains("rt-SECRET"))
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(document["needs_action"] as? Bool == true)
        let checks = (document["checks"] as? [[String: Any]]) ?? []
        let actions = checks.filter { $0["status"] as? String == "action" }.compactMap { $0["check"] as? String }
        #expect(actions == ["state-directory", "logins", "codex-login"])
        let text = try home.rotor("doctor")
        #expect(text.status == 1)
        #expect(text.stdout.contains("fix: run `codex logout`"))
        #expect(text.stdout.hasSuffix("3 check(s) need action.\n"))
    }

    /// An invalid config file needs action (its one-line error, exit 1); a valid one is named as in force.
    @Test func reportsTheConfigFile() throws {
        let home = try RotorHome()
        defer { home.remove() }
        try home.writeConfig("[routing]\nstrategy = \"drain\"\n")
        let valid = try home.rotor("doctor")
        #expect(valid.status == 0, "\(valid.stdout)")
        #expect(valid.stdout.contains("ok      config           \(home.configURL.path) is in force (policy "),
                "\(valid.stdout)")
        try home.writeConfig("[routing]\nstrategy = \"drain\"\nbind = \"0.0.0.0\"\n")
        let invalid = try home.rotor("doctor")
        #expect(invalid.status == 1)
        #expect(invalid.stdout.contains("""
            action  config           \(home.configURL.path):3: routing.bind: unknown key; [routing] takes strategy, \
            reserve and when-all-reserved
                    fix: correct that line (docs/routing.md lists the keys), then run `rotor policy check`
            """), "\(invalid.stdout)")
    }
}
