import Foundation
import Logging
import RotorCore
import RotorStore

#if canImport(Glibc)
import Glibc
#endif

/// Process-wide logging set-up for the `rotor` executable.
public enum RotorLogging {
    /// Where log lines go.
    public enum Destination: Sendable {
        /// The terminal's stderr and the log file (`rotor proxy`).
        case standardErrorAndFile
        /// Only the log file: `rotor run` shares the terminal with the child and must write nothing to it.
        case fileOnly
    }

    /// The log level from `ROTOR_LOG_LEVEL` (`trace` … `critical`), else `info`.
    ///
    /// - Throws: ``ProxyConfigurationError`` for any other value, like every other `ROTOR_*` variable.
    public static func level(from environment: [String: String]) throws(ProxyConfigurationError) -> Logger.Level {
        guard let value = environment["ROTOR_LOG_LEVEL"], !value.isEmpty else { return .info }
        guard let level = Logger.Level(rawValue: value.lowercased()) else {
            let names = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
            throw .invalid(variable: "ROTOR_LOG_LEVEL", value: value, expected: "one of \(names)")
        }
        return level
    }

    /// A log file larger than this at start-up is moved to `rotor.log.1` (replacing the previous one), so the logs
    /// of a long-lived machine stay bounded at about twice this size.
    public static let rotationSize = 16 << 20

    /// The log file: `<state dir>/logs/rotor.log`.
    public static func logFile(in directory: StateDirectory) -> URL {
        directory.logsDirectory.appending(path: "rotor.log")
    }

    /// Opens ``logFile(in:)`` for appending (created with mode 0600, `O_CLOEXEC`, via
    /// `StateDirectory.openPrivateFile`) and bootstraps swift-log to write there, and to stderr for
    /// `.standardErrorAndFile`. Call once per process, after `directory.prepare()` and before any logger is made.
    public static func bootstrap(
        directory: StateDirectory,
        destination: Destination,
        level: Logger.Level
    ) throws {
        rotateIfLarge(logFile(in: directory))
        let fd = try StateDirectory.openPrivateFile(at: logFile(in: directory), flags: O_WRONLY | O_APPEND)
        var outputs = [LogOutput(descriptor: fd)]
        if destination == .standardErrorAndFile { outputs.append(.standardError) }
        let chosen = outputs
        LoggingSystem.bootstrap { label in RotorLogHandler(label: label, level: level, outputs: chosen) }
    }

    /// Moves `file` to `<file>.1` when it exceeds ``rotationSize``. A rename is atomic, so concurrent rotor processes
    /// at worst rotate twice; a process still writing to the old file keeps writing to `.1`, which loses nothing.
    static func rotateIfLarge(_ file: URL, limit: Int = rotationSize) {
        let path = file.path(percentEncoded: false)
        guard let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int,
            size > limit
        else { return }
        _ = rename(path, path + ".1")
    }
}
