import Foundation
import Logging
import RotorCore
import RotorStore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
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
    public static func level(from environment: [String: String]) -> Logger.Level {
        environment["ROTOR_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? .info
    }

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
        let fd = try StateDirectory.openPrivateFile(at: logFile(in: directory), flags: O_WRONLY | O_APPEND)
        var outputs = [LogOutput(descriptor: fd)]
        if destination == .standardErrorAndFile { outputs.append(.standardError) }
        let chosen = outputs
        LoggingSystem.bootstrap { label in RotorLogHandler(label: label, level: level, outputs: chosen) }
    }
}
