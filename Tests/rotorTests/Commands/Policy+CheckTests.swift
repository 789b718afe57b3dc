import Foundation
import RotorCore
import Testing

/// `rotor policy check [FILE]` over a real home whose ROTOR_CONFIG is a file in the test's own folder.
struct PolicyCheckTests {
    static let candidate = """
        [routing]
        strategy = "reset-first"
        reserve = { "weekly" = 30 }
        when-all-reserved = "wait"
        [accounts."work"]
        priority = 2
        """

    private func writeCandidate(_ home: RotorHome, _ text: String = candidate) throws -> String {
        let url = home.root.appending(path: "new.toml")
        try Data(text.utf8).write(to: url)
        return url.path
    }

    @Test func aFileIsComparedWithTheDefaultWhenNoneIsInForce() throws {
        let (home, _, ids) = try RotorHome.withTwoAccounts(now: Date())
        defer { home.remove() }
        let file = try writeCandidate(home)
        let version = RoutingPolicy(
            strategy: .resetFirst, reserves: [.weekly: 30], priorities: [ids[1]: 2], whenAllReserved: .wait).version
        let result = try home.rotor("policy", "check", file)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == """
            \(file) is valid; compared with the default policy (no file at \(home.configURL.path)):
            strategy: headroom → reset-first
            reserve weekly: 0% → 30%
            when-all-reserved: use-reserve → wait
            work priority: 1 → 2
            version \(version)

            """)
    }

    @Test func aFileIsComparedWithTheFileInForce() throws {
        let (home, _, _) = try RotorHome.withTwoAccounts(now: Date())
        defer { home.remove() }
        try home.writeConfig("[routing]\nstrategy = \"reset-first\"\nreserve.weekly = 10\n")
        let file = try writeCandidate(home)
        let result = try home.rotor("policy", "check", file)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("""
            \(file) is valid; compared with \(home.configURL.path):
            reserve weekly: 10% → 30%
            when-all-reserved: use-reserve → wait
            work priority: 1 → 2
            version 
            """), "\(result.stdout)")

        let same = try writeCandidate(home, "routing.strategy = \"reset-first\"\nrouting.reserve.7d = 10\n")
        let unchanged = try home.rotor("policy", "check", same)
        #expect(unchanged.stdout.contains(":\nno change\nversion "), "\(unchanged.stdout)")
    }

    /// An invalid file in force is named, and the candidate is compared with the default that rotor then uses.
    @Test func anInvalidFileInForceIsSaidAndTheDefaultCompared() throws {
        let (home, _, _) = try RotorHome.withTwoAccounts(now: Date())
        defer { home.remove() }
        try home.writeConfig("[routing]\nstrategy = 1\n")
        let file = try writeCandidate(home, "[routing]\nstrategy = \"drain\"\n")
        let result = try home.rotor("policy", "check", file)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == """
            the config file in force is invalid (\(home.configURL.path):2: routing.strategy: expected a string, \
            found an integer; use headroom, reset-first, drain or round-robin), so rotor uses the default policy; \
            \(file) is valid; compared with the default policy:
            strategy: headroom → drain
            version \(RoutingPolicy(strategy: .drain).version)

            """)
    }

    @Test func anInvalidOrMissingCandidateIsOneLineAndExit78() throws {
        let (home, _, _) = try RotorHome.withTwoAccounts(now: Date())
        defer { home.remove() }
        let file = try writeCandidate(home, "[routing]\nreserve = { weekly = 120 }\n")
        let invalid = try home.rotor("policy", "check", file)
        #expect(invalid.status == 78)
        #expect(invalid.stdout.isEmpty)
        #expect(invalid.stderr
            == "rotor: \(file):2: routing.reserve.weekly: 120 is not a percentage; use a percentage from 0 to 100\n")
        let missing = try home.rotor("policy", "check", home.root.appending(path: "absent.toml").path)
        #expect(missing.status == 78)
        #expect(missing.stderr == "rotor: \(home.root.appending(path: "absent.toml").path): no such file; "
            + "name the config file to check\n")
    }

    /// Without FILE: the config file rotor reads, compared with the default; no file is said.
    @Test func withoutAFileTheConfigFileIsChecked() throws {
        let (home, _, _) = try RotorHome.withTwoAccounts(now: Date())
        defer { home.remove() }
        let none = try home.rotor("policy", "check")
        #expect(none.status == 0)
        #expect(none.stdout == "no config file at \(home.configURL.path): the default policy is in force "
            + "(version \(RoutingPolicy.default.version))\n")
        try home.writeConfig("[routing]\nstrategy = \"headroom\"\n")
        let defaults = try home.rotor("policy", "check")
        #expect(defaults.stdout == """
            \(home.configURL.path) is valid; compared with the default policy:
            no change
            version \(RoutingPolicy.default.version)

            """)
        try home.writeConfig("[routing]\nstrategy = \"fast\"\n")
        let invalid = try home.rotor("policy", "check")
        #expect(invalid.status == 78)
        #expect(invalid.stderr.hasPrefix("rotor: \(home.configURL.path):2: routing.strategy: \"fast\" is not"))
    }
}
