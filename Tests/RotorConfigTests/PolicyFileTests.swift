import Foundation
import RotorConfig
import RotorCore
import RotorTestSupport
import Testing

struct PolicyFileTests {
    static func account(_ id: String, label: String, email: String) -> Account {
        Account(id: AccountID(id)!, label: label, email: email, chatgptAccountID: "acct",
                createdAt: Date(timeIntervalSince1970: 0))
    }

    static let work = account("0a1b2c3d-0000-4000-8000-000000000001", label: "work", email: "me@corp.io")
    static let home = account("0a1b9999-0000-4000-8000-000000000002", label: "home", email: "me@home.io")
    static let accounts = [work, home]

    @Test func anEmptyFileIsTheDefaultPolicy() throws {
        let loaded = try PolicyFile.parse("", path: "/c.toml", accounts: Self.accounts)
        #expect(loaded == LoadedPolicy(policy: .default, lines: [:], path: "/c.toml"))
        let commentsOnly = try PolicyFile.parse("# nothing\n\n[routing]\n", path: "/c.toml", accounts: [])
        #expect(commentsOnly.policy == .default)
        #expect(commentsOnly.lines.isEmpty)
    }

    @Test func theDocumentedFileStatesItsPolicy() throws {
        let text = """
            [routing]
            strategy = "reset-first"              # headroom | reset-first | drain | round-robin
            reserve = { "5h" = 10, "weekly" = 20.5 }
            when-all-reserved = "wait"

            [accounts."work"]
            priority = 0
            reserve = { "weekly" = 30 }

            [accounts."me@home.io"]
            priority = 2
            """
        let loaded = try PolicyFile.parse(text, path: "/c.toml", accounts: Self.accounts)
        #expect(loaded.policy == RoutingPolicy(
            strategy: .resetFirst, reserves: [.fiveHours: 10, .weekly: 20.5],
            accountReserves: [Self.work.id: [.weekly: 30]], priorities: [Self.work.id: 0, Self.home.id: 2],
            whenAllReserved: .wait))
        #expect(loaded.lines == [
            "routing.strategy": 2, "routing.reserve.5h": 3, "routing.reserve.weekly": 3,
            "routing.when-all-reserved": 4, #"accounts."work".priority"#: 7, #"accounts."work".reserve.weekly"#: 8,
            #"accounts."home".priority"#: 11,
        ])
        #expect(loaded.path == "/c.toml")
    }

    /// Dotted keys, a top-level `routing.x` spelling and windows spelled another way name the same things; windows
    /// are keyed by rotor's name for them, accounts by label whatever selector the file used.
    @Test func otherSpellingsOfTheSameKeys() throws {
        let text = """
            routing.strategy = "round-robin"
            routing.reserve.7d = 15
            accounts.0a1b2c3d.reserve."300m" = 5
            """
        let loaded = try PolicyFile.parse(text, path: "/c.toml", accounts: Self.accounts)
        #expect(loaded.policy == RoutingPolicy(
            strategy: .roundRobin, reserves: [.weekly: 15], accountReserves: [Self.work.id: [.fiveHours: 5]]))
        #expect(loaded.lines == [
            "routing.strategy": 1, "routing.reserve.weekly": 2, #"accounts."work".reserve.5h"#: 3,
        ])
    }

    /// Windows line ends and a byte order mark change no value and no line.
    @Test(arguments: ["[routing]\r\n\r\nstrategy = \"drain\"\r\n", "\u{FEFF}[routing]\n\nstrategy = \"drain\"\n"])
    func lineEndsAndAByteOrderMarkAreRead(text: String) throws {
        let loaded = try PolicyFile.parse(text, path: "/c.toml", accounts: [])
        #expect(loaded.policy == RoutingPolicy(strategy: .drain))
        #expect(loaded.lines == ["routing.strategy": 3])
    }

    @Test func aFileSpellingOutTheDefaultsHasTheDefaultVersion() throws {
        let text = """
            [routing]
            strategy = "headroom"
            reserve = { "5h" = 0, "weekly" = 0 }
            when-all-reserved = "use-reserve"
            [accounts."work"]
            priority = 1
            """
        let loaded = try PolicyFile.parse(text, path: "/c.toml", accounts: Self.accounts)
        #expect(loaded.policy.version == RoutingPolicy.default.version)
        #expect(loaded.lines.count == 5)
    }

    @Test func aMissingFileIsNoPolicy() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        #expect(try PolicyFile.load(at: directory.appending("config.toml"), accounts: []) == nil)
        #expect(try PolicyFile.load(at: directory.appending("missing/config.toml"), accounts: []) == nil)
    }

    @Test func aFileOnDiskIsLoadedWithItsPath() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let url = directory.appending("config.toml")
        try Data("[routing]\nstrategy = \"drain\"\n".utf8).write(to: url)
        let loaded = try PolicyFile.load(at: url, accounts: [])
        #expect(loaded == LoadedPolicy(
            policy: RoutingPolicy(strategy: .drain), lines: ["routing.strategy": 2], path: directory.path("config.toml")))
    }
}
