import Foundation
import RotorCore

#if canImport(Glibc)
import Glibc
#endif

/// Start-up cost of `rotor run`: from just before rotor is launched to the moment its child has exec'ed, next to
/// the same child launched directly. The child is `date +%s%N`, which prints CLOCK_REALTIME right after its exec;
/// the time before the launch is CLOCK_REALTIME too, so the difference spans rotor's whole start: loading, the
/// command lookup, opening the store, starting the proxy, spawning. Also shows the time until the process exits
/// (for rotor: plus stopping the proxy).
///
/// `rotor-bench startup [--rotor PATH] [--runs N]`; PATH defaults to `rotor` next to this executable.
enum StartupBenchmark: Benchmark {
    static let name = "startup"
    static let summary = "rotor run: from launch to the child's exec, next to the child launched directly"

    static func run() {
        let options = Options(CommandLine.arguments.dropFirst(2))
        let home = prepareHome(rotor: options.rotor)
        defer { try? FileManager.default.removeItem(atPath: home) }
        var environment = ProcessInfo.processInfo.environment
        environment["ROTOR_HOME"] = home
        let date = "/bin/date"
        let direct = [date, "+%s%N"]
        let wrapped = [options.rotor, "run", "--", date, "+%s%N"]
        for _ in 0..<3 {
            _ = launch(direct, environment: environment)
            _ = launch(wrapped, environment: environment)
        }
        var directExec = [Int](), directExit = [Int](), rotorExec = [Int](), rotorExit = [Int]()
        for _ in 0..<options.runs {
            let (exec, exit) = launch(direct, environment: environment)
            directExec.append(exec)
            directExit.append(exit)
            let (wrappedExec, wrappedExit) = launch(wrapped, environment: environment)
            rotorExec.append(wrappedExec)
            rotorExit.append(wrappedExit)
        }
        print("rotor run start-up, \(options.runs) runs each, median / p90 (ms)  rotor: \(options.rotor)")
        print("".padded(22) + "launch → child exec".padded(24) + "launch → exit".padded(20))
        print("direct `date`".padded(22) + figures(directExec).padded(24) + figures(directExit).padded(20))
        print("rotor run -- date".padded(22) + figures(rotorExec).padded(24) + figures(rotorExit).padded(20))
        let overhead = percentile(rotorExec, 0.5) - percentile(directExec, 0.5)
        print("rotor's median start-up overhead: \(milliseconds(overhead)) ms (target ≤ 50 ms)")
    }

    private struct Options {
        var rotor = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appending(path: "rotor").path
        var runs = 50

        init(_ arguments: ArraySlice<String>) {
            var remaining = arguments
            while let option = remaining.popFirst() {
                switch option {
                case "--rotor": rotor = remaining.popFirst() ?? rotor
                case "--runs": runs = remaining.popFirst().flatMap(Int.init) ?? runs
                default: fail("unknown option \(option); use --rotor PATH or --runs N")
                }
            }
        }
    }

    /// A temporary ROTOR_HOME holding one imported account (rotor refuses to run without one).
    private static func prepareHome(rotor: String) -> String {
        let home = FileManager.default.temporaryDirectory.appending(path: "rotor-bench-\(UUID().uuidString)").path
        let authFile = home + ".auth.json"
        defer { try? FileManager.default.removeItem(atPath: authFile) }
        let claims = #"{"email":"bench@example.com","https://api.openai.com/auth":{"chatgpt_account_id":"acct-bench"}}"#
        let token = "\(Base64URL.encode(#"{"alg":"none"}"#.utf8)).\(Base64URL.encode(claims.utf8)).sig"
        let auth = #"{"tokens":{"id_token":"\#(token)","access_token":"\#(token)","refresh_token":"rt","#
            + #""account_id":"acct-bench"}}"#
        guard FileManager.default.createFile(atPath: authFile, contents: Data(auth.utf8)) else {
            fail("cannot write \(authFile)")
        }
        var environment = ProcessInfo.processInfo.environment
        environment["ROTOR_HOME"] = home
        guard spawnAndWait([rotor, "accounts", "import", authFile], environment: environment, output: nil) == 0 else {
            fail("`\(rotor) accounts import` failed; build rotor first (bench/startup does)")
        }
        return home
    }

    /// Launches `arguments`; returns the nanoseconds from just before the launch to the child's printed
    /// CLOCK_REALTIME, and to the exit.
    private static func launch(_ arguments: [String], environment: [String: String]) -> (exec: Int, exit: Int) {
        var descriptors: [Int32] = [0, 0]
        guard pipe(&descriptors) == 0 else { fail("pipe failed") }
        for descriptor in descriptors {
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        }
        let start = realtimeNanoseconds()
        let status = spawnAndWait(arguments, environment: environment, output: descriptors[1])
        let end = realtimeNanoseconds()
        close(descriptors[1])
        var text = [UInt8](repeating: 0, count: 64)
        let count = read(descriptors[0], &text, text.count)
        close(descriptors[0])
        let printed = String(decoding: text[..<max(0, count)], as: UTF8.self)
        guard status == 0, let execAt = Int(printed.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            fail("\(arguments.joined(separator: " ")) failed (status \(status), printed \(printed))")
        }
        return (execAt - start, end - start)
    }

    /// posix_spawn with stdout on `output` (stdin and stderr inherited; without `output`, stdout and stderr go to
    /// /dev/null) and waitpid; returns the wait status.
    private static func spawnAndWait(_ arguments: [String], environment: [String: String], output: Int32?) -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let output {
            posix_spawn_file_actions_adddup2(&actions, output, STDOUT_FILENO)
        } else {
            posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO)
        }
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var processID: pid_t = 0
        guard posix_spawn(&processID, arguments[0], &actions, nil, argv, envp) == 0 else {
            fail("cannot launch \(arguments[0])")
        }
        var status: Int32 = 0
        while waitpid(processID, &status, 0) < 0 && errno == EINTR {}
        return status
    }

    /// CLOCK_REALTIME in nanoseconds (what `date +%s%N` prints), to the precision `Date` keeps.
    private static func realtimeNanoseconds() -> Int {
        Int((Date().timeIntervalSince1970 * 1e9).rounded())
    }

    private static func percentile(_ samples: [Int], _ fraction: Double) -> Int {
        let sorted = samples.sorted()
        return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * fraction).rounded()))]
    }

    private static func milliseconds(_ nanoseconds: Int) -> String {
        String(format2: Double(nanoseconds) / 1e6)
    }

    private static func figures(_ samples: [Int]) -> String {
        "\(milliseconds(percentile(samples, 0.5))) / \(milliseconds(percentile(samples, 0.9)))"
    }

    private static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("rotor-bench startup: \(message)\n".utf8))
        exit(1)
    }
}
