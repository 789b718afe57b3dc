import RotorLauncher
import RotorTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite struct CommandLookupTests {
    /// A name is looked up in PATH order and the first executable regular file wins, skipping directories and
    /// files without the execute bit, as execvp does.
    @Test func searchesPathInOrder() throws {
        let temporary = try TemporaryDirectory(prefix: "rotor-launcher-test")
        defer { temporary.remove() }
        let root = temporary.path
        for directory in ["a", "b", "c"] {
            #expect(mkdir("\(root)/\(directory)", 0o700) == 0)
        }
        #expect(mkdir("\(root)/a/tool", 0o700) == 0)  // a directory named like the command
        try ShellChild.write("#!/bin/sh\n", to: "\(root)/b/tool", mode: 0o644)  // not executable
        try ShellChild.write("#!/bin/sh\n", to: "\(root)/c/tool", mode: 0o755)
        try ShellChild.write("#!/bin/sh\n", to: "\(root)/a/other", mode: 0o755)
        let lookup = CommandLookup(searchPath: "\(root)/missing:\(root)/a:\(root)/b:\(root)/c")
        #expect(try lookup.resolve("tool") == "\(root)/c/tool")
        #expect(try lookup.resolve("other") == "\(root)/a/other")
    }

    /// A missing command, or one that exists only without the execute bit, is refused with a clear error.
    @Test func refusesMissingOrNotExecutable() throws {
        let temporary = try TemporaryDirectory(prefix: "rotor-launcher-test")
        defer { temporary.remove() }
        let root = temporary.path
        try ShellChild.write("#!/bin/sh\n", to: "\(root)/plain", mode: 0o644)
        let lookup = CommandLookup(searchPath: root)
        let missing = #expect(throws: LaunchError.self) { try lookup.resolve("no-such-tool-here") }
        #expect(missing?.code == .commandNotFound)
        #expect(missing?.description.contains("no-such-tool-here is not on PATH") == true)
        let plain = #expect(throws: LaunchError.self) { try lookup.resolve("plain") }
        #expect(plain?.code == .commandNotExecutable)
        #expect(plain?.description.contains("\(root)/plain") == true)
        #expect(throws: LaunchError.self) { try lookup.resolve("") }
    }

    /// A name with a slash is a path: PATH is not consulted.
    @Test func pathsAreUsedAsGiven() throws {
        let temporary = try TemporaryDirectory(prefix: "rotor-launcher-test")
        defer { temporary.remove() }
        let root = temporary.path
        try ShellChild.write("#!/bin/sh\n", to: "\(root)/tool", mode: 0o755)
        let lookup = CommandLookup(searchPath: "/nonexistent")
        #expect(try lookup.resolve("\(root)/tool") == "\(root)/tool")
        let error = #expect(throws: LaunchError.self) { try lookup.resolve("\(root)/missing") }
        #expect(error?.code == .commandNotFound)
        #expect(throws: LaunchError.self) { try lookup.resolve(root) }  // a directory
    }

    /// Without PATH, glibc's default search path is used.
    @Test func defaultSearchPath() throws {
        #expect(CommandLookup(environment: [:]).searchPath == "/bin:/usr/bin")
        #expect(try CommandLookup(environment: [:]).resolve("sh") == "/bin/sh")
    }
}
