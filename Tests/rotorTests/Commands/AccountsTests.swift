import Foundation
import RotorCore
import RotorStore
import Testing

/// `rotor accounts …` run as a user would: the built executable, a fresh ROTOR_HOME, stdout, stderr, exit code.
@Suite(.serialized)
struct AccountsTests {
    /// The first import adds the account; importing the same identity again updates it, never a duplicate.
    @Test func importAddsThenUpdates() throws {
        let home = try RotorHome()
        defer { home.remove() }
        try home.writeAuthFile(AuthFile.login(email: "dev@x.io", plan: "pro"))

        let first = try home.rotor("accounts", "import")
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout == "Added dev@x.io (pro)\n")
        #expect(first.stderr.hasPrefix("warning: rotor now refreshes this login's tokens."))
        #expect(first.stderrLines.count == 1)

        try home.writeAuthFile(AuthFile.login(email: "dev@x.io", plan: "pro", refreshToken: "rt-SECRET-2"))
        let second = try home.rotor("accounts", "import", home.codexHome.appending(path: "auth.json").path)
        #expect(second.status == 0)
        #expect(second.stdout == "Updated dev@x.io\n")

        let list = try listJSON(home)
        #expect(list.count == 1)
        #expect(list.first?["email"] as? String == "dev@x.io")
    }

    /// The table shows short id, account, plan, state and last use; --json has the documented fields, no token.
    @Test func listTableAndJSON() throws {
        let home = try RotorHome()
        defer { home.remove() }
        let empty = try home.rotor("accounts", "list")
        #expect(empty.status == 0)
        #expect(empty.stdout.hasPrefix("No accounts yet"))
        #expect(try listJSON(home).isEmpty)

        let path = try home.writeAuthFile(AuthFile.login(email: "dev@x.io", accountID: "team-1234abcd"), name: "a.json")
        _ = try home.rotor("accounts", "import", path)
        let json = try listJSON(home)
        let account = try #require(json.first)
        let id = try #require(account["id"] as? String)
        #expect(Set(account.keys) == [
            "id", "short_id", "label", "email", "plan", "chatgpt_account_id", "state", "state_reason",
            "cooldown_until", "cooldown_reason", "last_used_at", "created_at",
        ])
        #expect(account["label"] as? String == "dev@x.io")
        #expect(account["plan"] as? String == "plus")
        #expect(account["chatgpt_account_id"] as? String == "team-1234abcd")
        #expect(account["state"] as? String == "ready")
        #expect(account["cooldown_until"] is NSNull)
        #expect((account["created_at"] as? String)?.hasSuffix("Z") == true)

        let table = try home.rotor("accounts", "list")
        #expect(table.stdout == """
            ID        ACCOUNT   PLAN  STATE  LAST USED
            \(id.prefix(8))  dev@x.io  plus  ready  never

            """)
        let raw = try home.rotor("accounts", "list", "--json").stdout + table.stdout
        #expect(!raw.contains("SECRET") && !raw.contains("eyJ"))
    }

    /// rename, disable, enable, reset and remove each change the account and say what they did.
    @Test func manageAccounts() throws {
        let home = try RotorHome()
        defer { home.remove() }
        _ = try home.rotor("accounts", "import", home.writeAuthFile(AuthFile.login(email: "a@x.io"), name: "a.json"))
        _ = try home.rotor("accounts", "import", home.writeAuthFile(AuthFile.login(email: "b@x.io"), name: "b.json"))

        let rename = try home.rotor("accounts", "rename", "a@x.io", "work")
        #expect(rename.status == 0)
        #expect(rename.stdout.hasPrefix("Renamed a@x.io to work ("))

        let taken = try home.rotor("accounts", "rename", "b@x.io", "work")
        #expect(taken.status == 65)
        #expect(taken.stderr.contains("already used by account") && taken.stderr.contains("a@x.io"))

        #expect(try home.rotor("accounts", "disable", "work").stdout.hasPrefix("Disabled work ("))
        #expect(try listJSON(home).first?["state"] as? String == "disabled")
        #expect(try home.rotor("accounts", "enable", "work").stdout.hasPrefix("Enabled work ("))
        #expect(try listJSON(home).first?["state"] as? String == "ready")

        #expect(try home.rotor("accounts", "reset", "work").stdout.hasPrefix("Cleared the cooldown of work ("))
        #expect(try home.rotor("accounts", "reset", "--all").stdout == "Cleared the cooldowns of all accounts\n")

        let id = try #require(try listJSON(home).last?["id"] as? String)
        let removed = try home.rotor("accounts", "remove", String(id.prefix(6)), "--yes")
        #expect(removed.status == 0)
        #expect(removed.stdout == "Removed b@x.io (\(id.prefix(8)))\n")
        #expect(try listJSON(home).map { $0["label"] as? String } == ["work"])
    }

    /// Removing an account the config file names warns that the file no longer passes the check (the next
    /// `rotor run` would refuse it); removing another one says nothing of the file.
    @Test func removeWarnsWhenTheConfigFileNamesTheAccount() throws {
        let home = try RotorHome()
        defer { home.remove() }
        for email in ["a@x.io", "b@x.io", "c@x.io"] {
            _ = try home.rotor("accounts", "import", home.writeAuthFile(AuthFile.login(email: email), name: email))
        }
        try home.writeConfig("[accounts.\"b@x.io\"]\npriority = 2\n")
        let unrelated = try home.rotor("accounts", "remove", "c@x.io", "--yes")
        #expect(unrelated.status == 0)
        #expect(unrelated.stderr.isEmpty, "\(unrelated.stderr)")
        let named = try home.rotor("accounts", "remove", "b@x.io", "--yes")
        #expect(named.status == 0)
        #expect(named.stderrLines.count == 1)
        #expect(named.stderr.hasPrefix("warning: the config file no longer passes the check: \(home.configURL.path):1: "))
        #expect(named.stderr.hasSuffix("Fix it before the next `rotor run` (runbooks/change-routing-policy.md).\n"))
    }

    /// `reset` clears the latest usage snapshot with the cooldown, but never the usage history.
    @Test func resetKeepsUsageHistory() throws {
        let home = try RotorHome()
        defer { home.remove() }
        _ = try home.rotor("accounts", "import", home.writeAuthFile(AuthFile.login(email: "a@x.io")))
        let text = try #require(try listJSON(home).first?["id"] as? String)
        let id = try #require(AccountID(text))
        let seen = Date(timeIntervalSinceNow: -60)
        try AccountStore(directory: StateDirectory(url: home.rotorHome))
            .recordUsage(UsageSnapshot(primary: UsageWindow(usedPercent: 100), observedAt: seen), for: id)

        #expect(try home.rotor("accounts", "reset", "--all").status == 0)
        let store = try AccountStore(directory: StateDirectory(url: home.rotorHome))
        #expect(try store.account(id)?.usage == nil)
        #expect(try store.usageHistory(for: id, since: seen.addingTimeInterval(-1)).map(\.usage.primary?.usedPercent)
            == [100])
    }

    /// `enable` puts a disabled account back, but refuses one that needs a new login (1), saying how to log it in,
    /// and leaves it `needs-login`.
    @Test func enableRefusesAnAccountThatNeedsLogin() throws {
        let home = try RotorHome()
        defer { home.remove() }
        _ = try home.rotor("accounts", "import", home.writeAuthFile(AuthFile.login(email: "a@x.io")))
        let id = try #require(try listJSON(home).first?["id"] as? String)
        try AccountStore(directory: StateDirectory(url: home.rotorHome))
            .setStatus(.needsLogin(reason: "refresh_token_reused"), for: #require(AccountID(id)))

        let refused = try home.rotor("accounts", "enable", "a@x.io")
        #expect(refused.status == 1)
        #expect(refused.stdout.isEmpty)
        #expect(refused.stderrLines.count == 1)
        #expect(refused.stderr.hasPrefix("rotor: a@x.io (\(id.prefix(8))) needs a new login (refresh_token_reused)"))
        #expect(refused.stderr.contains("rotor accounts add"))
        #expect(try listJSON(home).first?["state"] as? String == "needs-login")
    }

    /// Without a terminal and without --yes, remove refuses (64) and removes nothing.
    @Test func removeWithoutTerminalNeedsYes() throws {
        let home = try RotorHome()
        defer { home.remove() }
        _ = try home.rotor("accounts", "import", home.writeAuthFile(AuthFile.login(email: "a@x.io")))
        let refused = try home.rotor("accounts", "remove", "a@x.io", input: "y\n")
        #expect(refused.status == 64)
        #expect(refused.stderr.hasPrefix("rotor: refusing to remove a@x.io"))
        #expect(refused.stderr.contains("pass --yes"))
        #expect(try listJSON(home).count == 1)
    }

    /// On a terminal, remove asks; "y" removes, anything else keeps the account.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script")))
    func removeOnTerminalAsks() throws {
        let home = try RotorHome()
        defer { home.remove() }
        _ = try home.rotor("accounts", "import", home.writeAuthFile(AuthFile.login(email: "a@x.io")))
        let command = "\(RotorExecutable.url.path) accounts remove a@x.io"
        let declined = try RotorExecutable.run(
            ["-qec", command, "/dev/null"], environment: home.environment, input: "n\n", executable: "/usr/bin/script"
        )
        #expect(declined.status == 1, "\(declined.stdout)")
        #expect(declined.stdout.contains("Remove a@x.io ("))
        #expect(try listJSON(home).count == 1)
        let accepted = try RotorExecutable.run(
            ["-qec", command, "/dev/null"], environment: home.environment, input: "y\n", executable: "/usr/bin/script"
        )
        #expect(accepted.status == 0, "\(accepted.stdout)")
        #expect(accepted.stdout.contains("Removed a@x.io ("))
        #expect(try listJSON(home).isEmpty)
    }

    /// Every command's help shows one-line examples; --version prints the version.
    @Test(arguments: ["import", "list", "remove", "rename", "disable", "enable", "reset"])
    func helpHasExamples(command: String) throws {
        let home = try RotorHome()
        defer { home.remove() }
        let help = try home.rotor("accounts", command, "--help")
        #expect(help.status == 0)
        #expect(help.stdout.contains("Examples:"))
        #expect(help.stdout.contains("rotor accounts \(command)"))
    }

    /// `rotor --help`, `rotor accounts --help`, `rotor proxy --help`, `rotor run --help` and `rotor status --help`
    /// show examples too, each on one line of at most 80 columns (the width help is wrapped to without a terminal).
    @Test(arguments: [[], ["accounts"], ["proxy"], ["run"], ["status"]])
    func groupAndProxyHelpHaveExamples(command: [String]) throws {
        let home = try RotorHome()
        defer { home.remove() }
        let help = try RotorExecutable.run(command + ["--help"], environment: home.environment)
        #expect(help.status == 0)
        let lines = help.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let examples = try #require(lines.firstIndex(of: "Examples:"), "\(help.stdout)")
        let rows = lines[(examples + 1)...].prefix { $0.hasPrefix("  rotor ") }
        #expect(rows.count >= 3, "\(help.stdout)")
        #expect(rows.allSatisfy { $0.hasPrefix("  rotor \((command + [""])[0])") && $0.count <= 80 })
        #expect(lines[examples + 1 + rows.count].isEmpty, "an example wrapped: \(help.stdout)")
    }

    /// `rotor --version` prints a version and exits 0.
    @Test func version() throws {
        let home = try RotorHome()
        defer { home.remove() }
        let result = try home.rotor("--version")
        #expect(result.status == 0)
        #expect(!result.stdout.isEmpty)
    }
}

/// `rotor accounts list --json`, parsed.
func listJSON(_ home: RotorHome) throws -> [[String: Any]] {
    let result = try home.rotor("accounts", "list", "--json")
    #expect(result.status == 0, "\(result.stderr)")
    return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
}
