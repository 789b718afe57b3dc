#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Why a command could not be launched. `description` is one sentence: what is wrong and what to do.
public struct LaunchError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure, without details: for exit codes, logs and tests.
    public enum Code: Hashable, Sendable {
        /// No file of that name on `PATH` (or at the given path).
        case commandNotFound
        /// The file exists but cannot be executed (no permission, a directory).
        case commandNotExecutable
        /// The kernel refused to execute the file (for example a binary for another system).
        case execFailed
        /// The process could not be created (no memory, too many processes) or a thread for it could not start.
        case spawnFailed
        /// Signal handling for the child could not be set up.
        case signalHandlingUnavailable
    }

    /// The kind of failure.
    public let code: Code
    /// One sentence: what is wrong and what to do.
    public let description: String

    private init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }

    /// `name` is not a file on `PATH` (or, when it contains a slash, not a file at that path).
    public static func commandNotFound(_ name: String) -> LaunchError {
        if name.contains("/") {
            return LaunchError(.commandNotFound, "command not found: \(name); check the path")
        }
        return LaunchError(
            .commandNotFound,
            "command not found: \(name) is not on PATH; check the name, install it, or give its full path"
        )
    }

    /// `path` exists but is not an executable file.
    public static func commandNotExecutable(_ path: String) -> LaunchError {
        LaunchError(
            .commandNotExecutable,
            "cannot run \(path): not an executable file; check its permissions (chmod +x) or the path"
        )
    }

    /// `execve(2)` of `path` failed with `errno`.
    public static func execFailed(_ path: String, errno: Int32) -> LaunchError {
        if errno == EACCES {
            return commandNotExecutable(path)
        }
        if errno == ENOENT {
            return commandNotFound(path)
        }
        return LaunchError(
            .execFailed,
            "cannot run \(path): \(message(for: errno)); check that it is a program for this system"
        )
    }

    /// `fork(2)` failed with `errno`.
    public static func spawnFailed(_ path: String, errno: Int32) -> LaunchError {
        LaunchError(.spawnFailed, "cannot start \(path): \(message(for: errno)); free some resources and try again")
    }

    /// A thread to run and wait for the child could not be created.
    static func threadUnavailable(errno: Int32) -> LaunchError {
        LaunchError(
            .spawnFailed,
            "cannot start a thread for the command: \(message(for: errno)); free some resources and try again"
        )
    }

    /// The signal relay could not be installed.
    static func signalHandlingUnavailable(errno: Int32) -> LaunchError {
        LaunchError(
            .signalHandlingUnavailable,
            "cannot set up signal handling for the command: \(message(for: errno)); try again"
        )
    }

    private static func message(for errno: Int32) -> String {
        String(cString: strerror(errno))
    }
}
