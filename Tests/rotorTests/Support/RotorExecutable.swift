import Foundation
import RotorTestSupport
import Testing

/// Runs the built `rotor` executable as a user would, and captures what it prints.
///
/// The executable is looked up next to the test binary: SwiftPM builds every product of the package, `rotor` and
/// the test bundle alike, into one products directory (`.build/<triple>/debug`), and the running test binary is
/// `/proc/self/exe`. `ROTOR_TEST_EXECUTABLE` overrides the lookup (e.g. to test an installed or release binary).
enum RotorExecutable {
    static let url: URL = {
        if let override = ProcessInfo.processInfo.environment["ROTOR_TEST_EXECUTABLE"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        let products = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        return products.appending(path: "rotor")
    }()

    /// What one run printed and how it ended.
    struct Result: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String

        /// The stderr lines, without the final newline.
        var stderrLines: [Substring] { stderr.split(separator: "\n", omittingEmptySubsequences: false).dropLast() }
    }

    /// Runs `rotor arguments…` with exactly `environment`, feeding `input` on stdin (or /dev/null), and checks that
    /// nothing it printed or logged contains a token or secret (``OutputSecrecy``).
    ///
    /// `shellPrefix`, when given, runs rotor through `/bin/sh -c "<prefix>; exec \"$0\" \"$@\""` (e.g. `umask 000`);
    /// `executable` runs another program instead of rotor (e.g. `script`, to give rotor a terminal).
    static func run(
        _ arguments: [String],
        environment: [String: String],
        input: String? = nil,
        shellPrefix: String? = nil,
        executable: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> Result {
        let process = Process()
        if let executable {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        } else if let shellPrefix {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "\(shellPrefix); exec \"$0\" \"$@\"", url.path] + arguments
        } else {
            process.executableURL = url
            process.arguments = arguments
        }
        process.environment = environment
        let outputDirectory = try TemporaryDirectory(prefix: "rotor-run")
        defer { outputDirectory.remove() }
        let stdoutURL = outputDirectory.appending("stdout")
        let stderrURL = outputDirectory.appending("stderr")
        _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        if let input {
            let pipe = Pipe()
            process.standardInput = pipe
            try process.run()
            pipe.fileHandleForWriting.write(Data(input.utf8))
            try pipe.fileHandleForWriting.close()
        } else {
            process.standardInput = FileHandle.nullDevice
            try process.run()
        }
        process.waitUntilExit()
        let result = Result(
            status: process.terminationStatus,
            stdout: try String(contentsOf: stdoutURL, encoding: .utf8),
            stderr: try String(contentsOf: stderrURL, encoding: .utf8)
        )
        OutputSecrecy.audit(
            ["stdout": result.stdout, "stderr": result.stderr], environment: environment,
            sourceLocation: sourceLocation)
        return result
    }
}
