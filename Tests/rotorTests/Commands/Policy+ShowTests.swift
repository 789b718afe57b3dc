import Foundation
import RotorCore
import Testing

/// `rotor policy show` over a real home whose ROTOR_CONFIG is a file in the test's own folder.
struct PolicyShowTests {
    @Test func withoutAFileTheDefaultIsInForce() throws {
        let (home, _, _) = try RotorHome.withTwoAccounts(now: Date())
        defer { home.remove() }
        let result = try home.rotor("policy", "show")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == """
            policy \(RoutingPolicy.default.version) (the default: no file at \(home.configURL.path))
            strategy           headroom     default
            reserve            none         default
            when-all-reserved  use-reserve  default
            me@x.io priority   1            default
            work priority      1            default

            """)
    }

    @Test func eachValueSaysWhereItCameFrom() throws {
        let (home, _, _) = try RotorHome.withTwoAccounts(now: Date())
        defer { home.remove() }
        try home.writeConfig("""
            [routing]
            strategy = "reset-first"
            reserve = { "weekly" = 20 }

            [accounts."w@corp.io"]
            priority = 2
            reserve = { "5h" = 12.5 }
            """)
        let path = home.configURL.path
        let version = RoutingPolicy(strategy: .resetFirst, reserves: [.weekly: 20]).version
        let result = try home.rotor("policy", "show")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("policy "))
        #expect(!result.stdout.contains(version), "the account's values are part of the version")
        #expect(result.stdout == """
            policy \(result.stdout.dropFirst("policy ".count).prefix(8)) from \(path)
            strategy           reset-first  \(path):2
            reserve weekly     20%          \(path):3
            when-all-reserved  use-reserve  default
            me@x.io priority   1            default
            work priority      2            \(path):6
            work reserve 5h    12.5%        \(path):7

            """)

        let json = try home.rotor("policy", "show", "--json")
        #expect(json.status == 0)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(document["file"] as? String == path)
        #expect(document["version"] as? String == String(result.stdout.dropFirst("policy ".count).prefix(8)))
        let values = (document["values"] as? [[String: String]]) ?? []
        #expect(values.first == ["key": "strategy", "value": "reset-first", "source": "\(path):2"])
        #expect(values.count == 6)
    }

    /// An invalid file: its one-line error on stderr, nothing on stdout, exit status 78.
    @Test func anInvalidFileIsOneLineAndExit78() throws {
        let (home, _, _) = try RotorHome.withTwoAccounts(now: Date())
        defer { home.remove() }
        try home.writeConfig("[routing]\nstrategy = \"fastest\"\n")
        let result = try home.rotor("policy", "show")
        #expect(result.status == 78)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "rotor: \(home.configURL.path):2: routing.strategy: \"fastest\" is not a strategy; "
            + "use headroom, reset-first, drain or round-robin\n")
        try home.writeConfig("[accounts.\"nobody\"]\npriority = 2\n")
        let unknown = try home.rotor("policy", "show", "--json")
        #expect(unknown.status == 78)
        #expect(unknown.stderr == "rotor: \(home.configURL.path):1: accounts.\"nobody\": no account matches "
            + "\"nobody\"; run `rotor accounts list` to see labels, emails and ids\n")
    }
}
