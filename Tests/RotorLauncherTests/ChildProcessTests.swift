import RotorLauncher
import RotorTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite struct ChildProcessTests {
    /// Descriptors the parent holds without close-on-exec (sockets, the database, lock files) do not reach the
    /// child: it has only 0, 1 and 2.
    @Test func childInheritsOnlyStandardDescriptors() async throws {
        let temporary = try TemporaryDirectory(prefix: "rotor-launcher-test")
        defer { temporary.remove() }
        let directory = temporary.path
        var leaked: [Int32] = [0, 0]
        #expect(pipe(&leaked) == 0)
        let leakedFile = open("/dev/null", O_RDONLY)
        defer {
            close(leaked[0])
            close(leaked[1])
            close(leakedFile)
        }
        let output = "\(directory)/fds"
        let script = #"exec > "$1"; for f in /proc/$$/fd/*; do echo "${f##*/}"; done"#
        let child = try await ChildProcess.spawn(ShellChild.command(script, output))
        #expect(try await ShellChild.waitBounded(child) == .exited(0))
        let descriptors = try ShellChild.read(output).split(separator: "\n").compactMap { Int32($0) }
        // The shell holds one more descriptor while it expands the glob: the /proc/$$/fd directory itself.
        #expect(
            Set(descriptors).isSubset(of: [0, 1, 2, 3]),
            "\(descriptors); the parent's were \([leaked[0], leaked[1], leakedFile])"
        )
        #expect(Set(descriptors).isSuperset(of: [0, 1, 2]))
    }

    /// The child stays in the parent's process group and session (the terminal's foreground group), unlike
    /// Foundation.Process, which moves it to a background group.
    @Test func childStaysInParentsProcessGroup() async throws {
        let temporary = try TemporaryDirectory(prefix: "rotor-launcher-test")
        defer { temporary.remove() }
        let directory = temporary.path
        let output = "\(directory)/stat"
        let child = try await ChildProcess.spawn(ShellChild.command(#"cat /proc/$$/stat > "$1""#, output))
        #expect(try await ShellChild.waitBounded(child) == .exited(0))
        let stat = try ShellChild.read(output)
        // Fields after "(comm)": state, ppid, pgrp, session.
        let fields = stat[stat.lastIndex(of: ")")!...].split(separator: " ")
        #expect(Int32(fields[2]) == getpid(), "parent")
        #expect(Int32(fields[3]) == getpgrp(), "process group")
        #expect(Int32(fields[4]) == getsid(0), "session")
    }

    /// The argument vector and the environment reach the child exactly, `argv[0]` included.
    @Test func passesArgumentsAndEnvironment() async throws {
        let temporary = try TemporaryDirectory(prefix: "rotor-launcher-test")
        defer { temporary.remove() }
        let directory = temporary.path
        let output = "\(directory)/out"
        let command = ChildCommand(
            executablePath: "/bin/sh",
            arguments: [
                "my-sh", "-c",
                #"printf '%s|' "$1" "$2" "$ROTOR_TEST_VALUE" > "$1"; tr '\0' '|' < /proc/$$/cmdline >> "$1""#,
                "name0", output, "-- --x",
            ],
            environment: ["ROTOR_TEST_VALUE": "a b=c"]
        )
        let child = try await ChildProcess.spawn(command)
        #expect(try await ShellChild.waitBounded(child) == .exited(0))
        let script = command.arguments[2]
        #expect(try ShellChild.read(output) == "\(output)|-- --x|a b=c|my-sh|-c|\(script)|name0|\(output)|-- --x|")
    }

    /// A file that the kernel refuses to execute is a launch error in the parent, not a child that exits 127.
    @Test func execFailureIsReportedToTheParent() async throws {
        let temporary = try TemporaryDirectory(prefix: "rotor-launcher-test")
        defer { temporary.remove() }
        let directory = temporary.path
        let noFormat = "\(directory)/not-a-program"
        try ShellChild.write("just text, no #! line\n", to: noFormat, mode: 0o755)
        let notExecutable = "\(directory)/not-executable"
        try ShellChild.write("#!/bin/sh\n", to: notExecutable, mode: 0o644)
        let cases: [(path: String, code: LaunchError.Code)] = [
            (noFormat, .execFailed),
            (notExecutable, .commandNotExecutable),
            ("\(directory)/missing", .commandNotFound),
        ]
        for (path, code) in cases {
            let command = ChildCommand(executablePath: path, arguments: [path], environment: [:])
            let error = await #expect(throws: LaunchError.self) { try await ChildProcess.spawn(command) }
            #expect(error?.code == code, "\(path)")
            #expect(error?.description.contains(path) == true)
        }
    }

    /// Signals sent to a running child reach it; after it is reaped, nothing is sent (its process ID may be reused).
    @Test func sendsSignalsOnlyWhileTheChildRuns() async throws {
        let child = try await ChildProcess.spawn(ShellChild.command("exec sleep 60"))
        #expect(child.send(.terminate))
        #expect(try await ShellChild.waitBounded(child) == .signaled(.terminate))
        #expect(!child.send(.terminate))
    }
}
