import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `rotor run` as a user runs it: the built executable, a fresh ROTOR_HOME, a child that proves what it received.
@Suite(.serialized)
struct RunTests {
    /// A throw-away home with one imported account, and a directory for markers, outputs and fake tools.
    struct Workspace {
        let home: RotorHome
        let directory: URL

        init(accounts: [String] = ["dev@x.io"]) throws {
            home = try RotorHome()
            directory = home.root.appending(path: "work")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            for (index, email) in accounts.enumerated() {
                let path = try home.writeAuthFile(
                    AuthFile.login(email: email, accountID: "acct-\(index)"), name: "auth-\(index).json"
                )
                let imported = try home.rotor("accounts", "import", path)
                #expect(imported.status == 0, "\(imported.stderr)")
            }
        }

        func path(_ name: String) -> String { directory.appending(path: name).path }

        /// A command that would create `marker` if it ever ran.
        var markerCommand: [String] { ["/bin/sh", "-c", #"touch "$0""#, path("marker")] }
        var markerExists: Bool { FileManager.default.fileExists(atPath: path("marker")) }

        /// Writes an executable shell script.
        func script(_ name: String, _ body: String) throws -> String {
            let path = path(name)
            try Data("#!/bin/sh\n\(body)\n".utf8).write(to: URL(fileURLWithPath: path))
            chmod(path, 0o755)
            return path
        }

        func run(_ arguments: [String], environment extra: [String: String] = [:]) throws -> RotorExecutable.Result {
            try RotorExecutable.run(["run"] + arguments, environment: home.environment.merging(extra) { $1 })
        }

        func background(_ arguments: [String]) throws -> BackgroundRotor {
            try BackgroundRotor(["run"] + arguments, environment: home.environment, stderrPath: path("stderr"))
        }

        func remove() { home.remove() }
    }

    // MARK: - Refusals: one line, non-zero, the child never launched

    /// Without any account rotor refuses and says how to add one; it never runs the tool without rotation.
    @Test func refusesWithoutAccounts() throws {
        let workspace = try Workspace(accounts: [])
        defer { workspace.remove() }
        let result = try workspace.run(["--"] + workspace.markerCommand)
        #expect(result.status == 67)
        #expect(result.stderrLines == [
            "rotor: no accounts yet; add one with `rotor accounts import` (your Codex login) or `rotor accounts add`"
        ])
        #expect(result.stdout.isEmpty)
        #expect(!workspace.markerExists)
    }

    /// `--account` must name exactly one account: nothing or several is a refusal listing what matched.
    @Test func refusesAccountSelectorMatchingNothingOrSeveral() throws {
        // Emails match case-insensitively, labels exactly: "Dev@X.io" is no label but both emails.
        let workspace = try Workspace(accounts: ["dev@x.io", "DEV@x.io"])
        defer { workspace.remove() }
        let none = try workspace.run(["--account", "nobody@x.io", "--"] + workspace.markerCommand)
        #expect(none.status == 67)
        #expect(none.stderrLines.count == 1)
        #expect(none.stderr.hasPrefix("rotor: no account matches \"nobody@x.io\""))
        let several = try workspace.run(["--account", "Dev@X.io"] + workspace.markerCommand)
        #expect(several.status == 67)
        #expect(several.stderrLines.count == 1)
        #expect(several.stderr.hasPrefix("rotor: \"Dev@X.io\" matches 2 accounts: "))
        #expect(!workspace.markerExists)
    }

    /// A command that is not on PATH is refused first, before the store is even opened.
    @Test func refusesMissingCommandFirst() throws {
        let workspace = try Workspace(accounts: [])
        defer { workspace.remove() }
        let result = try workspace.run(["--", "rotor-no-such-tool", "arg"])
        #expect(result.status == 127)
        #expect(result.stderrLines == [
            "rotor: command not found: rotor-no-such-tool is not on PATH; check the name, install it, or give its full path"
        ])
        #expect(!FileManager.default.fileExists(atPath: workspace.home.rotorHome.path))
    }

    /// A file that exists but cannot be executed is refused with 126, like a shell: one without the execute bit
    /// (found by the lookup), and one the kernel refuses to exec (the shim reports the exec failure to rotor).
    @Test func refusesCommandThatCannotBeExecuted() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let notExecutable = workspace.path("tool")
        try Data("#!/bin/sh\ntouch marker\n".utf8).write(to: URL(fileURLWithPath: notExecutable))
        let result = try workspace.run(["--", notExecutable])
        #expect(result.status == 126)
        #expect(result.stderrLines == [
            "rotor: cannot run \(notExecutable): not an executable file; check its permissions (chmod +x) or the path"
        ])
        let notAProgram = try workspace.script("garbage", "")
        try Data([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 0]).write(to: URL(fileURLWithPath: notAProgram))
        let refused = try workspace.run(["--", notAProgram])
        #expect(refused.status == 126)
        #expect(refused.stderrLines == [
            "rotor: cannot run \(notAProgram): Exec format error; check that it is a program for this system"
        ])
        #expect(refused.stdout.isEmpty)
    }

    /// When the proxy cannot start (here: its upstream setting is unusable), rotor refuses; the tool never runs.
    @Test func refusesWhenProxyCannotStart() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let result = try workspace.run(["--"] + workspace.markerCommand, environment: ["ROTOR_UPSTREAM_URL": "ftp:x"])
        #expect(result.status != 0)
        #expect(result.stderrLines.count == 1)
        #expect(result.stderr.hasPrefix("rotor: ROTOR_UPSTREAM_URL=ftp:x is not"))
        #expect(!workspace.markerExists)
    }

    /// A malformed bound on client connections stops rotor with one line naming the variable (exit 78); the tool
    /// never runs.
    @Test(arguments: [("ROTOR_REQUEST_HEAD_TIMEOUT", "soon"), ("ROTOR_MAX_CONNECTIONS", "0")])
    func refusesMalformedConnectionBounds(_ name: String, _ value: String) throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let result = try workspace.run(["--"] + workspace.markerCommand, environment: [name: value])
        #expect(result.status == 78, "\(result.stderr)")
        #expect(result.stderrLines.count == 1)
        #expect(result.stderr.hasPrefix("rotor: \(name)=\(value) is not"))
        #expect(!workspace.markerExists)
    }

    /// A config file that fails the check stops rotor with its one-line error naming the file, the line and the
    /// key (exit 78); the tool never runs.
    @Test func refusesABrokenConfigFile() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.home.writeConfig("[routing]\nstrategy = \"fastest\"\n")
        let result = try workspace.run(["--"] + workspace.markerCommand)
        #expect(result.status == 78, "\(result.stderr)")
        #expect(result.stderrLines == ["rotor: \(workspace.home.configURL.path):2: routing.strategy: \"fastest\" is not "
            + "a strategy; use headroom, reset-first, drain or round-robin"])
        #expect(!workspace.markerExists)
    }

    // MARK: - Running

    /// rotor exits with the child's status, or 128+N when the child died of signal N; it prints nothing itself.
    @Test(arguments: [("exit 0", Int32(0)), ("exit 7", 7), ("kill -TERM $$", 143), ("kill -KILL $$", 137)])
    func exitsWithTheChildsStatus(script: String, expected: Int32) throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let result = try workspace.run(["--", "/bin/sh", "-c", script])
        #expect(result.status == expected)
        #expect(result.stderr.isEmpty)
        #expect(result.stdout.isEmpty)
    }

    /// A launcher that ignores SIGCHLD (some CI runners and supervisors do) hands that on to rotor through exec; the
    /// kernel would then reap the child by itself and lose its status. rotor still exits with the child's status.
    @Test(arguments: [("exit 0", Int32(0)), ("exit 7", 7), ("kill -TERM $$", 143)])
    func exitsWithTheChildsStatusWhenStartedWithSIGCHLDIgnored(script: String, expected: Int32) throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let environment = workspace.home.environment
        // The launcher really hands on an ignored SIGCHLD: a program it starts sees it in its SigIgn mask.
        let status = try Self.launchIgnoringSIGCHLD(["/bin/cat", "/proc/self/status"], environment: environment)
        let ignored = try #require(status.stdout.split(separator: "\n").first { $0.hasPrefix("SigIgn:") })
        let hex = ignored.dropFirst("SigIgn:".count).trimmingPrefix(while: \.isWhitespace)
        let mask = try #require(UInt64(hex, radix: 16))
        #expect(mask & (1 << (UInt64(SIGCHLD) - 1)) != 0)

        let result = try Self.launchIgnoringSIGCHLD(
            [RotorExecutable.url.path, "run", "--", "/bin/sh", "-c", script], environment: environment)
        #expect(result.status == expected, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
    }

    /// Runs `command` from a launcher that sets SIGCHLD to be ignored and then execs it.
    static func launchIgnoringSIGCHLD(_ command: [String], environment: [String: String]) throws
        -> RotorExecutable.Result
    {
        let launcher = """
            import os, signal, sys
            signal.signal(signal.SIGCHLD, signal.SIG_IGN)
            os.execv(sys.argv[1], sys.argv[1:])
            """
        return try RotorExecutable.run(
            ["-c", launcher] + command, environment: environment, executable: "/usr/bin/python3")
    }

    /// openai-env (any command but codex): OPENAI_BASE_URL points at the loopback proxy and OPENAI_API_KEY is the
    /// per-run secret; the arguments, `--` and flag-like ones included, arrive untouched and hold no secret.
    @Test func openAIEnvironmentProfile() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let tool = try workspace.script("tool", #"printf '%s\n' "$OPENAI_BASE_URL" "$OPENAI_API_KEY" "$@""#)
        let result = try workspace.run([tool, "--", "--flag-like prompt", "-x"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == 5)
        #expect(lines.first?.wholeMatch(of: /http:\/\/127\.0\.0\.1:[1-9][0-9]*\/v1/) != nil, "\(lines)")
        let secret = String(lines[1])
        #expect(secret.count >= 16)
        #expect(Array(lines.dropFirst(2)) == ["--", "--flag-like prompt", "-x"])
    }

    /// codex: rotor's `-c` flags come right after the executable, before the user's subcommand, `--` and prompts;
    /// the secret is only in ROTOR_PROXY_SECRET. `rotor run codex …` and `rotor run -- codex …` are the same.
    @Test(arguments: [["codex", "exec", "--foo", "--", "--bar"], ["--", "codex", "exec", "--foo", "--", "--bar"]])
    func codexProfile(arguments: [String]) throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        _ = try workspace.script("codex", #"printf '%s\n' "$ROTOR_PROXY_SECRET" "${OPENAI_API_KEY-unset}" "$@""#)
        let path = "\(workspace.directory.path):/usr/bin:/bin"
        let result = try workspace.run(arguments, environment: ["PATH": path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        try #require(lines.count == 10, "\(lines)")
        let secret = lines[0]
        #expect(secret.count >= 16)
        #expect(lines[1] == "unset")
        #expect(lines[2...3] == ["-c", "model_provider=rotor"])
        #expect(lines[4] == "-c")
        #expect(
            lines[5].wholeMatch(
                of: /model_providers\.rotor=\{name="rotor", base_url="http:\/\/127\.0\.0\.1:[0-9]+\/v1", env_key="ROTOR_PROXY_SECRET", wire_api="responses"\}/
            ) != nil, "\(lines[5])"
        )
        #expect(Array(lines[6...]) == ["exec", "--foo", "--", "--bar"])
        #expect(!lines.dropFirst().contains { $0.contains(secret) })
    }

    // MARK: - Process behaviour

    /// A descriptor rotor inherited without close-on-exec (here 42, from its launcher) never reaches the child, both
    /// where close_range(2) marks the descriptors and where it is missing (made to fail with ENOSYS, as on kernels
    /// before 5.9), so that the shim walks /proc/self/fd instead.
    @Test(arguments: [false, true])
    func childInheritsOnlyStandardDescriptors(withoutCloseRange: Bool) throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        // The launcher keeps /dev/null open as descriptor 42, inheritable; with a seccomp filter, close_range
        // (system call 436 on x86-64 and arm64) then fails with ENOSYS, which the launcher checks before exec.
        let launcher = """
            import ctypes, os, struct, sys
            os.dup2(os.open("/dev/null", os.O_RDONLY), 42, inheritable=True)
            if sys.argv[1] == "without-close-range":
                class Program(ctypes.Structure):
                    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_char_p)]
                filters = b"".join([
                    struct.pack("HBBI", 0x20, 0, 0, 0),                  # load the system call number
                    struct.pack("HBBI", 0x15, 0, 1, 436),                # close_range?
                    struct.pack("HBBI", 0x06, 0, 0, 0x00050000 | 38),    # then fail with ENOSYS
                    struct.pack("HBBI", 0x06, 0, 0, 0x7FFF0000),         # else allow
                ])
                libc = ctypes.CDLL(None, use_errno=True)
                program = Program(4, filters)
                assert libc.prctl(38, 1, 0, 0, 0) == 0                   # PR_SET_NO_NEW_PRIVS
                assert libc.prctl(22, 2, ctypes.byref(program), 0, 0) == 0  # PR_SET_SECCOMP, filter
                assert libc.syscall(436, 1000, 1000, 0) == -1 and ctypes.get_errno() == 38
            os.execv(sys.argv[2], sys.argv[2:])
            """
        let listing = #"for f in /proc/$$/fd/*; do echo "${f##*/}"; done"#
        let result = try RotorExecutable.run(
            ["-c", launcher, withoutCloseRange ? "without-close-range" : "with-close-range",
             RotorExecutable.url.path, "run", "--", "/bin/sh", "-c", listing],
            environment: workspace.home.environment,
            executable: "/usr/bin/python3"
        )
        #expect(result.status == 0, "\(result.stderr)")
        let descriptors = result.stdout.split(separator: "\n").compactMap { Int32($0) }
        // The shell holds one more descriptor while it expands the glob: the /proc/$$/fd directory itself.
        #expect(Set(descriptors).isSubset(of: [0, 1, 2, 3]), "\(descriptors)")
        #expect(Set(descriptors).isSuperset(of: [0, 1, 2]), "\(descriptors)")
    }

    /// The child is rotor's own child and stays in rotor's process group (the terminal's foreground group when
    /// run from a shell), unlike a child of Foundation.Process.
    @Test func childSharesRotorsProcessGroup() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let script = #"echo "$PPID"; cut -d' ' -f5 /proc/$$/stat; cut -d' ' -f5 /proc/$PPID/stat"#
        let rotor = try workspace.background(["--", "/bin/sh", "-c", script])
        let parent = try rotor.readLine()
        let childGroup = try rotor.readLine()
        let rotorGroup = try rotor.readLine()
        #expect(try await rotor.exitStatus() == 0)
        #expect(pid_t(parent) == rotor.processID)
        #expect(childGroup == rotorGroup)
    }

    /// `kill -9` of rotor takes the child with it (parent-death signal): the child's end closes its stdout, and
    /// its process is gone or a zombie.
    @Test func childDiesWithRotorOnKill9() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let rotor = try workspace.background(["--", "/bin/sh", "-c", "echo $$; exec sleep 60"])
        let child = try #require(pid_t(try rotor.readLine()))
        defer { if !ProcessStat.hasEnded(child) { kill(child, SIGKILL) } }
        #expect(kill(rotor.processID, SIGKILL) == 0)
        _ = try await rotor.exitStatus()
        try rotor.awaitEndOfOutput()
        #expect(ProcessStat.hasEnded(child))
    }

    /// A SIGTERM or SIGHUP that another process sends to rotor reaches the child (which dies of it), and rotor
    /// exits with 128+N.
    @Test(arguments: [(Int32(SIGTERM), Int32(143)), (Int32(SIGHUP), Int32(129))])
    func forwardsSignalsFromProcesses(signal: Int32, expected: Int32) async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let rotor = try workspace.background(["--", "/bin/sh", "-c", "echo $$; exec sleep 60"])
        let child = try #require(pid_t(try rotor.readLine()))
        defer { if !ProcessStat.hasEnded(child) { kill(child, SIGKILL) } }
        #expect(kill(rotor.processID, signal) == 0)
        #expect(try await rotor.exitStatus() == expected)
        #expect(!rotor.wasKilledBySignal)
        #expect(ProcessStat.hasEnded(child))
    }

    /// SIGINT, SIGQUIT and SIGWINCH sent to rotor alone are neither forwarded nor fatal to rotor: the child keeps
    /// running and is ended only by the SIGTERM sent after them (rotor relays in order, so a forwarded SIGINT
    /// would have killed it first and rotor would exit 130).
    @Test func ignoresInterruptQuitAndWindowChange() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let rotor = try workspace.background(["--", "/bin/sh", "-c", "echo $$; exec sleep 60"])
        let child = try #require(pid_t(try rotor.readLine()))
        defer { if !ProcessStat.hasEnded(child) { kill(child, SIGKILL) } }
        for signal in [SIGINT, SIGQUIT, SIGWINCH] {
            #expect(kill(rotor.processID, signal) == 0)
        }
        #expect(!ProcessStat.hasEnded(child))
        #expect(kill(rotor.processID, SIGTERM) == 0)
        #expect(try await rotor.exitStatus() == 143)
        let stderr = try String(contentsOfFile: workspace.path("stderr"), encoding: .utf8)
        #expect(stderr.isEmpty)
    }

    /// When rotor leads its session (here `script` runs it on a terminal of its own, as tmux or ssh would), a
    /// terminal hang-up reaches rotor alone: rotor passes it on, so the child ends instead of waiting for a
    /// hang-up that would only come after rotor exits.
    @Test func terminalHangUpReachesTheChildWhenRotorLeadsTheSession() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let command = "exec '\(RotorExecutable.url.path)' run -- /bin/sh -c 'echo \"pids $PPID $$\"; exec sleep 60'"
        let terminal = try BackgroundRotor(
            ["-qfec", command, "/dev/null"], environment: workspace.home.environment,
            stderrPath: workspace.path("stderr"), executable: URL(fileURLWithPath: "/usr/bin/script")
        )
        let pids = try terminal.readLine().trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ")
        try #require(pids.count == 3 && pids[0] == "pids", "\(pids)")
        let rotor = try #require(pid_t(pids[1]))
        let child = try #require(pid_t(pids[2]))
        defer { if !ProcessStat.hasEnded(child) { kill(child, SIGKILL) } }
        #expect(getsid(rotor) == rotor, "rotor leads its session")
        #expect(kill(terminal.processID, SIGKILL) == 0)  // the terminal's master side closes: a hang-up
        #expect(try await ProcessStat.awaitEnd(child))
        #expect(try await ProcessStat.awaitEnd(rotor))
    }
}
