import Foundation
import RotorConfig
import RotorCore
import RotorTestSupport
import Testing

/// Every error a config file can have, as the one line the user reads.
struct ConfigFileErrorTests {
    static let path = "/home/u/.config/rotor/config.toml"

    static func message(_ text: String) -> String? {
        do {
            _ = try PolicyFile.parse(text, path: path, accounts: PolicyFileTests.accounts)
            return nil
        } catch {
            return error.description
        }
    }

    @Test(arguments: [
        // Syntax (TOMLKit's position and words).
        ("[routing]\nstrategy = \n",
         #"/home/u/.config/rotor/config.toml:2: not valid TOML (error while parsing key-value pair: expected value, saw '\n'); fix the syntax there"#),
        ("[routing]\nstrategy = \"drain\"\nstrategy = \"drain\"\n",
         #"/home/u/.config/rotor/config.toml:3: not valid TOML (error while parsing key-value pair: cannot redefine existing string 'strategy'); fix the syntax there"#),
        // Unknown keys, anywhere.
        ("[proxy]\nbind = \"0.0.0.0\"\n",
         #"/home/u/.config/rotor/config.toml:1: proxy: unknown key; the file has [routing] and [accounts."<account>"] tables"#),
        ("secret = \"x\"\n",
         #"/home/u/.config/rotor/config.toml:1: secret: unknown key; the file has [routing] and [accounts."<account>"] tables"#),
        ("[routing]\nstrategy = \"drain\"\ninvariants = false\n",
         "/home/u/.config/rotor/config.toml:3: routing.invariants: unknown key; [routing] takes strategy, reserve and when-all-reserved"),
        ("[routing]\nreserve = { weekly = 1, \"5h\" = 2 }\nstratgy = \"drain\"\n",
         "/home/u/.config/rotor/config.toml:3: routing.stratgy: unknown key; [routing] takes strategy, reserve and when-all-reserved"),
        ("[accounts.\"work\"]\npriority = 1\nweight = 2\n",
         #"/home/u/.config/rotor/config.toml:3: accounts."work".weight: unknown key; an account takes priority and reserve"#),
        // Wrong types.
        ("routing = 1\n",
         "/home/u/.config/rotor/config.toml:1: routing: expected a table, found an integer; write [routing] above its keys"),
        ("accounts = \"work\"\n",
         #"/home/u/.config/rotor/config.toml:1: accounts: expected a table, found a string; write [accounts."<account>"] above its keys"#),
        ("[accounts]\nwork = 2\n",
         #"/home/u/.config/rotor/config.toml:2: accounts."work": expected a table, found an integer; write [accounts."work"] above the account's keys"#),
        ("[routing]\nstrategy = 3\n",
         "/home/u/.config/rotor/config.toml:2: routing.strategy: expected a string, found an integer; use headroom, reset-first, drain or round-robin"),
        ("[routing]\nwhen-all-reserved = true\n",
         "/home/u/.config/rotor/config.toml:2: routing.when-all-reserved: expected a string, found a boolean; use use-reserve or wait"),
        ("[routing]\nreserve = 30\n",
         #"/home/u/.config/rotor/config.toml:2: routing.reserve: expected a table, found an integer; write reserve = { "weekly" = 30 }"#),
        ("[routing]\nreserve = { weekly = \"30%\" }\n",
         "/home/u/.config/rotor/config.toml:2: routing.reserve.weekly: expected a number, found a string; use a percentage from 0 to 100"),
        ("[accounts.\"work\"]\npriority = 1.5\n",
         #"/home/u/.config/rotor/config.toml:2: accounts."work".priority: expected an integer, found a fractional number; use a whole number, 0 or more (lower is used first)"#),
        ("[accounts.\"work\"]\npriority = [1]\n",
         #"/home/u/.config/rotor/config.toml:2: accounts."work".priority: expected an integer, found an array; use a whole number, 0 or more (lower is used first)"#),
        // Bad values.
        ("[routing]\n\nstrategy = \"fastest\"\n",
         #"/home/u/.config/rotor/config.toml:3: routing.strategy: "fastest" is not a strategy; use headroom, reset-first, drain or round-robin"#),
        ("[routing]\nwhen-all-reserved = \"never\"\n",
         #"/home/u/.config/rotor/config.toml:2: routing.when-all-reserved: "never" is not a choice; use use-reserve or wait"#),
        ("[routing]\nreserve = { \"5h\" = 10, weekly = 120 }\n",
         "/home/u/.config/rotor/config.toml:2: routing.reserve.weekly: 120 is not a percentage; use a percentage from 0 to 100"),
        ("[routing]\nreserve = { weekly = -0.5 }\n",
         "/home/u/.config/rotor/config.toml:2: routing.reserve.weekly: -0.5 is not a percentage; use a percentage from 0 to 100"),
        ("[routing]\nreserve.weekly = nan\n",
         "/home/u/.config/rotor/config.toml:2: routing.reserve.weekly: nan is not a percentage; use a percentage from 0 to 100"),
        ("[routing]\nreserve.weekly = 1\nreserve.\"5x\" = 10\n",
         #"/home/u/.config/rotor/config.toml:3: routing.reserve.5x: "5x" is not a window; name it by its length: 5h, weekly, 2d or 90m"#),
        ("[accounts.\"work\"]\nreserve = { \"0h\" = 10 }\n",
         #"/home/u/.config/rotor/config.toml:2: accounts."work".reserve.0h: "0h" is not a window; name it by its length: 5h, weekly, 2d or 90m"#),
        ("[routing.reserve]\n\"weekly\" = 10\n7d = 20\n",
         "/home/u/.config/rotor/config.toml:3: routing.reserve.7d: the same window as routing.reserve.weekly (line 2); keep one"),
        ("[accounts.\"work\"]\npriority = -1\n",
         #"/home/u/.config/rotor/config.toml:2: accounts."work".priority: -1 is below 0; use a whole number, 0 or more (lower is used first)"#),
        // Selectors.
        ("[accounts.\"wrok\"]\npriority = 2\n",
         #"/home/u/.config/rotor/config.toml:1: accounts."wrok": no account matches "wrok"; run `rotor accounts list` to see labels, emails and ids"#),
        ("[accounts.\"0a1b\"]\npriority = 2\n",
         #"/home/u/.config/rotor/config.toml:1: accounts."0a1b": "0a1b" matches 2 accounts: 0a1b2c3d (work), 0a1b9999 (home); use a label or a longer id prefix"#),
        ("[accounts.\"work\"]\npriority = 2\n\n[accounts.\"ME@corp.io\"]\npriority = 3\n",
         #"/home/u/.config/rotor/config.toml:4: accounts."ME@corp.io": names the same account as accounts."work" (line 1); keep one"#),
    ])
    func eachErrorIsOneLineNamingTheFileLineAndKey(text: String, expected: String) {
        let message = Self.message(text)
        #expect(message == expected)
        #expect(message?.contains("\n") == false)
    }

    /// Of two errors, the one earlier in the file is reported, whatever the keys' names.
    @Test func theFirstErrorInTheFileIsReported() {
        #expect(Self.message("[routing]\nwhen-all-reserved = 1\nstrategy = 1\n")?.hasPrefix(
            "/home/u/.config/rotor/config.toml:2: routing.when-all-reserved:") == true)
        #expect(Self.message("[routing]\nstrategy = 1\nwhen-all-reserved = 1\n")?.hasPrefix(
            "/home/u/.config/rotor/config.toml:2: routing.strategy:") == true)
    }

    @Test func aNulByteIsRefused() {
        #expect(Self.message("[routing]\n\0strategy = \"drain\"\n")
            == "/home/u/.config/rotor/config.toml:2: a NUL byte; save the file as plain text")
    }

    @Test func aConfigErrorExitsWith78() {
        #expect(ConfigFileError(path: "/c", problem: "x").exitCode == 78)
    }

    @Test func aDirectoryIsRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        #expect(throws: ConfigFileError(
            path: directory.path, problem: "a directory, not a file; name the config file itself")) {
            try PolicyFile.load(at: directory.url, accounts: [])
        }
    }

    @Test func aDeviceIsRefusedAndALinkIsFollowed() throws {
        #expect(Self.loadMessage(URL(fileURLWithPath: "/dev/zero"))
            == "/dev/zero: not a regular file; name the config file itself")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try Data("[routing]\nstrategy = \"drain\"\n".utf8).write(to: directory.appending("real.toml"))
        try FileManager.default.createSymbolicLink(
            atPath: directory.path("config.toml"), withDestinationPath: directory.path("real.toml"))
        #expect(try PolicyFile.load(at: directory.appending("config.toml"), accounts: [])?.policy.strategy == .drain)
    }

    @Test func aFileOverOneMebibyteIsRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let url = directory.appending("config.toml")
        try Data(repeating: UInt8(ascii: "#"), count: PolicyFile.maximumSize + 1).write(to: url)
        let expected = "\(directory.path("config.toml")): larger than 1 MiB, too large for a config file; "
            + "check that this is the right file"
        #expect(throws: ConfigFileError.self) { try PolicyFile.load(at: url, accounts: []) }
        #expect(Self.loadMessage(url) == expected)
        try Data(repeating: UInt8(ascii: "#"), count: PolicyFile.maximumSize).write(to: url)
        #expect(try PolicyFile.load(at: url, accounts: []) == LoadedPolicy(
            policy: .default, lines: [:], path: directory.path("config.toml")))
    }

    @Test func aFileThatIsNotUTF8IsRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let url = directory.appending("config.toml")
        try Data([0x23, 0xFF, 0x0A]).write(to: url)
        #expect(Self.loadMessage(url) == "\(directory.path("config.toml")): not UTF-8 text; save it as UTF-8")
    }

    @Test(.enabled(if: getuid() != 0, "root reads any file"))
    func anUnreadableFileSaysWhatToDo() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let url = directory.appending("config.toml")
        try Data("[routing]\n".utf8).write(to: url)
        try FileManager.default.setAttributes([.posixPermissions: 0o000], ofItemAtPath: url.path)
        let path = directory.path("config.toml")
        #expect(Self.loadMessage(url)
            == "\(path): cannot be read (permission denied); let your user read it (chmod u+r \(path))")
    }

    /// A path through a file (not a directory) can be neither found nor read.
    @Test func aPathThatCannotBeReadSaysWhatToDo() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try Data("x".utf8).write(to: directory.appending("file"))
        #expect(Self.loadMessage(directory.appending("file/config.toml"))
            == "\(directory.path("file/config.toml")): cannot be read; check that it is a file your user can read")
    }

    static func loadMessage(_ url: URL) -> String? {
        do {
            _ = try PolicyFile.load(at: url, accounts: [])
            return nil
        } catch {
            return error.description
        }
    }
}
