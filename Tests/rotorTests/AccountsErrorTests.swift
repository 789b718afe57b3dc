import Foundation
import GRDB
import Testing

/// Every runtime failure: exactly one stderr line `rotor: …` saying what to do, nothing on stdout, a distinct code.
@Suite(.serialized)
struct AccountsErrorTests {
    /// Checks the one-line error contract and returns the line.
    @discardableResult
    func expectFailure(_ result: RotorExecutable.Result, status: Int32, containing text: String) -> String {
        #expect(result.status == status, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(result.stderrLines.count == 1, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("rotor: "))
        #expect(result.stderr.contains(text), "\(result.stderr)")
        #expect(!result.stderr.contains("Usage:"))
        return result.stderr
    }

    /// Files that cannot be imported, each with its code: missing 66, unreadable 66, bad data 65.
    @Test(arguments: [
        ("missing", nil, 66, "does not exist"),
        ("directory", nil, 66, "cannot read"),
        ("invalid", "{\"tokens\": ", 65, "is not valid JSON"),
        ("no-tokens", AuthFile.withoutTokens, 65, "has no ChatGPT login"),
        ("malformed-jwt", AuthFile.malformedJWT, 65, "the id token is malformed"),
        ("api-key-only", AuthFile.apiKeyOnly, 65, "holds only an API key"),
    ] as [(String, String?, Int32, String)])
    func importRefusesBadFiles(name: String, contents: String?, status: Int32, message: String) throws {
        let home = try RotorHome()
        defer { home.remove() }
        let path = home.root.appending(path: name).path
        if let contents {
            try home.writeAuthFile(contents, name: name)
        } else if name == "directory" {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
        let line = expectFailure(try home.rotor("accounts", "import", path), status: status, containing: message)
        #expect(line.contains(path))
        #expect(!line.contains("sk-test-key"))
        #expect(try listJSON(home).isEmpty)
    }

    /// Something that is not a regular file, or is far too large for an auth.json, is refused at once (66), so a
    /// device (`/dev/zero` would be read forever) or a FIFO (it would wait for a writer) cannot hang the command.
    /// (`/dev/null` stands for the devices: a regression makes it fail as invalid JSON rather than hang the test.)
    @Test func importRefusesDevicesAndHugeFiles() throws {
        let home = try RotorHome()
        defer { home.remove() }
        let huge = try home.writeAuthFile(String(repeating: " ", count: 2 << 20), name: "huge.json")
        for (path, reason) in [("/dev/null", "not a regular file"), (huge, "larger than")] {
            let line = expectFailure(try home.rotor("accounts", "import", path), status: 66, containing: reason)
            #expect(line.contains(path))
        }
    }

    /// A file the user may not read is refused with 77 (root reads everything, so only checked for other users).
    @Test(.enabled(if: getuid() != 0))
    func importRefusesUnreadableFile() throws {
        let home = try RotorHome()
        defer { home.remove() }
        let path = try home.writeAuthFile(AuthFile.login(email: "a@x.io"), name: "locked.json")
        chmod(path, 0)
        expectFailure(try home.rotor("accounts", "import", path), status: 77, containing: "permission denied")
    }

    /// The default file is $CODEX_HOME/auth.json; its absence is reported with that path.
    @Test func importDefaultsToCodexHome() throws {
        let home = try RotorHome()
        defer { home.remove() }
        let expected = home.codexHome.appending(path: "auth.json").path
        expectFailure(try home.rotor("accounts", "import"), status: 66, containing: expected)
    }

    /// A state directory that cannot be created is 73, naming it and ROTOR_HOME.
    @Test func stateDirectoryNotWritable() throws {
        let home = try RotorHome()
        defer { home.remove() }
        let file = try home.writeAuthFile("not a directory", name: "file")
        var environment = home.environment
        environment["ROTOR_HOME"] = file + "/rotor"
        let result = try RotorExecutable.run(["accounts", "list"], environment: environment)
        let line = expectFailure(result, status: 73, containing: "ROTOR_HOME")
        #expect(line.contains("state directory \(file)/rotor ("), "\(line)")
    }

    /// Selectors: unknown 67, ambiguous 67 listing the matches; a taken label 65; reset without target 64.
    @Test func selectorAndUsageErrors() throws {
        let home = try RotorHome()
        defer { home.remove() }
        for accountID in ["one", "two"] {
            let path = try home.writeAuthFile(AuthFile.login(email: "a@x.io", accountID: accountID), name: accountID)
            #expect(try home.rotor("accounts", "import", path).status == 0)
        }
        expectFailure(try home.rotor("accounts", "disable", "nobody"), status: 67, containing: "no account matches")
        #expect(try home.rotor("accounts", "rename", "a@x.io", "first").status == 0)
        // No label is "a@x.io" any more, and both accounts have that email.
        let ambiguous = expectFailure(
            try home.rotor("accounts", "remove", "a@x.io", "--yes"), status: 67, containing: "matches 2 accounts"
        )
        #expect(ambiguous.contains("(first)") && ambiguous.contains("(a@x.io (two))"))
        expectFailure(
            try home.rotor("accounts", "rename", "a@x.io (two)", "first"), status: 65, containing: "already used"
        )

        let usage = try home.rotor("accounts", "reset")
        #expect(usage.status == 64)
        #expect(usage.stderr.contains("Pass an account or --all."))
        #expect(try listJSON(home).count == 2)
    }

    /// A write lock held by another process longer than the busy timeout (5 s) gives 74 naming the database.
    @Test func databaseLockedLongerThanBusyTimeout() throws {
        let home = try RotorHome()
        defer { home.remove() }
        #expect(try home.rotor("accounts", "import").status == 66)
        #expect(try home.rotor("accounts", "list").status == 0)
        let holder = try DatabaseQueue(path: home.databaseURL.path)
        let path = try home.writeAuthFile(AuthFile.login(email: "a@x.io"))
        try holder.writeWithoutTransaction { db in
            try db.execute(sql: "BEGIN IMMEDIATE")
            defer { try? db.execute(sql: "ROLLBACK") }
            let line = expectFailure(try home.rotor("accounts", "import", path), status: 74, containing: "locked")
            #expect(line.contains(home.databaseURL.path))
        }
        #expect(try home.rotor("accounts", "import", path).status == 0)
    }

    /// A database from a newer rotor (an unknown migration) is refused with 78 and "upgrade rotor".
    @Test func databaseFromNewerRotor() throws {
        let home = try RotorHome()
        defer { home.remove() }
        #expect(try home.rotor("accounts", "list").status == 0)
        try DatabaseQueue(path: home.databaseURL.path).write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99 from the future')")
        }
        expectFailure(try home.rotor("accounts", "list"), status: 78, containing: "upgrade rotor")
        expectFailure(
            try home.rotor("accounts", "import", home.writeAuthFile(AuthFile.login(email: "a@x.io"))),
            status: 78, containing: "upgrade rotor"
        )
    }
}
