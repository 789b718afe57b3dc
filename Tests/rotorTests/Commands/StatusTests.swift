import Foundation
import RotorCore
import RotorStore
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `rotor status` over a real state directory: plain through a pipe, styled on a terminal unless NO_COLOR, JSON,
/// and `--watch` ended by Ctrl-C.
@Suite(.timeLimit(.minutes(1)))
struct StatusTests {
    private let now = Date()

    /// A home with `me@x.io` (ready, 40 % of its weekly window used) and `work` (cooling on a usage limit).
    private func home() throws -> RotorHome {
        let (home, store, ids) = try RotorHome.withTwoAccounts(now: now)
        try store.recordUsage(UsageSnapshot(
            primary: UsageWindow(usedPercent: 40, windowMinutes: 10_080, resetsAt: now.addingTimeInterval(86_400)),
            observedAt: now), for: ids[0])
        try store.recordCooldown(Cooldown(until: now.addingTimeInterval(3600), reason: .usageLimit),
                                 consecutiveFailures: 1, for: ids[1], now: now)
        return home
    }

    /// With a config file keeping 70 % of every weekly window, `me@x.io` (60 % left) is `reserved` in `status` and
    /// in `accounts list`; a config file that fails the check is ignored there (its reserves are not shown).
    @Test func showsAccountsAtTheirReserve() throws {
        let home = try home()
        defer { home.remove() }
        try home.writeConfig("[routing]\nreserve = { weekly = 70 }\n")
        let status = try home.rotor("status")
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.hasPrefix("0 of 2 ready · 1 reserved · "), "\(status.stdout)")
        #expect(status.stdout.contains("me@x.io · plus · reserved (weekly 40% used, keeps 70%)\n"))
        let list = try home.rotor("accounts", "list", "--json")
        #expect(list.stdout.contains(#""state" : "reserved""#))
        try home.writeConfig("[routing]\nreserve = { weekly = \"lots\" }\n")
        let ignored = try home.rotor("status")
        #expect(ignored.status == 0, "\(ignored.stderr)")
        #expect(ignored.stdout.hasPrefix("1 of 2 ready · next reset "), "\(ignored.stdout)")
    }

    /// Through a pipe: plain text, the pool line first; `--json` is the documented document.
    @Test func printsPlainTextAndJSON() throws {
        let home = try home()
        defer { home.remove() }
        let text = try home.rotor("status")
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.hasPrefix("1 of 2 ready · next reset "), "\(text.stdout)")
        #expect(text.stdout.contains(" · weekly left: 60% of one account\n"))
        #expect(text.stdout.contains("\nwork <w@corp.io> · plus · cooling "))
        #expect(!text.stdout.contains("\u{1B}") && !text.stdout.contains("█"))
        let json = try home.rotor("status", "--json")
        #expect(json.status == 0)
        let document = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let pool = document?["pool"] as? [String: Any]
        #expect(pool?["ready"] as? Int == 1 && pool?["total"] as? Int == 2)
        let states = (document?["accounts"] as? [[String: Any]])?.map { $0["state"] as? String }
        #expect(states == ["ready", "cooling"])
    }

    /// On a terminal (`script` gives rotor one): colour and bars; with NO_COLOR set, plain text.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script")))
    func stylesOnlyATerminalWithoutNoColor() throws {
        let home = try home()
        defer { home.remove() }
        let command = "\(RotorExecutable.url.path) status"
        let styled = try RotorExecutable.run(["-qec", command, "/dev/null"], environment: home.environment,
                                             executable: "/usr/bin/script")
        #expect(styled.status == 0)
        #expect(styled.stdout.contains("\u{1B}[32mready\u{1B}[0m") && styled.stdout.contains("█"), "\(styled.stdout)")
        var environment = home.environment
        environment["NO_COLOR"] = "1"
        let plain = try RotorExecutable.run(["-qec", command, "/dev/null"], environment: environment,
                                            executable: "/usr/bin/script")
        #expect(plain.status == 0)
        #expect(plain.stdout.contains("1 of 2 ready"))
        #expect(!plain.stdout.contains("\u{1B}") && !plain.stdout.contains("█"), "\(plain.stdout)")
    }

    /// On a terminal `--watch` hides the cursor and draws from the top left of a cleared screen; Ctrl-C (SIGINT)
    /// ends it with exit status 0 and the cursor shown again.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script")))
    func watchOnATerminalShowsTheCursorAgain() async throws {
        let home = try home()
        defer { home.remove() }
        let command = "echo \"pid $$\"; exec '\(RotorExecutable.url.path)' status --watch"
        let terminal = try BackgroundRotor(
            ["-qfec", command, "/dev/null"], environment: home.environment,
            stderrPath: home.root.appending(path: "stderr").path, executable: URL(fileURLWithPath: "/usr/bin/script"))
        let announced = try terminal.readLine().trimmingCharacters(in: .whitespacesAndNewlines)
        let rotor = try #require(pid_t(announced.dropFirst("pid ".count)), "\(announced)")
        defer { if !ProcessStat.hasEnded(rotor) { kill(rotor, SIGKILL) } }
        let first = try terminal.readLine()
        #expect(first.hasPrefix("\u{1B}[?25l\u{1B}[H\u{1B}[2J"), "\(first)")
        #expect(first.contains("1 of 2 ready"))
        #expect(kill(rotor, SIGINT) == 0)
        let rest = try terminal.readToEnd()
        #expect(rest.hasSuffix("\u{1B}[?25h"), "\(rest)")
        #expect(try await terminal.exitStatus() == 0)
    }

    /// `--watch --json` through a pipe prints one document per line; Ctrl-C (SIGINT) ends it with exit status 0.
    @Test func watchEndsOnControlC() async throws {
        let home = try home()
        defer { home.remove() }
        let watcher = try BackgroundRotor(["status", "--watch", "--json"], environment: home.environment,
                                          stderrPath: home.root.appending(path: "stderr").path)
        defer { if !ProcessStat.hasEnded(watcher.processID) { kill(watcher.processID, SIGKILL) } }
        let line = try watcher.readLine()
        let document = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        #expect((document?["pool"] as? [String: Any])?["ready"] as? Int == 1)
        kill(watcher.processID, SIGINT)
        #expect(try await watcher.exitStatus() == 0)
        #expect(!watcher.wasKilledBySignal)
    }
}
