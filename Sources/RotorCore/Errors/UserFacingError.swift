/// An error whose description is one sentence telling the user what is wrong and what to do.
///
/// The `rotor` executable prints `description` as a single stderr line and exits with `exitCode`;
/// nothing else (no stack trace, no usage text) is printed for runtime failures.
public protocol UserFacingError: Error, CustomStringConvertible {
    /// The process exit status for this error, from ``ExitStatusCode``.
    var exitCode: Int32 { get }
}

/// The documented exit statuses of `rotor` (BSD sysexits where one fits).
public enum ExitStatusCode {
    /// A runtime failure with no more specific code.
    public static let failure: Int32 = 1
    /// The command line is malformed (also used by argument parsing).
    public static let usage: Int32 = 64
    /// Input data is malformed: invalid JSON, a token that is not a JWT, an API-key-only auth.json.
    public static let dataError: Int32 = 65
    /// An input file does not exist or cannot be read.
    public static let noInput: Int32 = 66
    /// No such account, or the selector matches several.
    public static let noUser: Int32 = 67
    /// A required service is unavailable (the proxy cannot start, an OAuth endpoint is down).
    public static let unavailable: Int32 = 69
    /// A file or directory cannot be created.
    public static let cannotCreate: Int32 = 73
    /// Reading or writing failed, including a database locked longer than the busy timeout.
    public static let ioError: Int32 = 74
    /// A temporary failure; trying again later may work (login timed out, network).
    public static let temporaryFailure: Int32 = 75
    /// Permission denied.
    public static let noPermission: Int32 = 77
    /// Configuration problem: a database from a newer rotor, a bad environment variable.
    public static let configuration: Int32 = 78
    /// `rotor run`: the command exists but cannot be executed (as shells, `env` and `timeout` report it).
    public static let commandNotExecutable: Int32 = 126
    /// `rotor run`: the command is not found (as shells, `env` and `timeout` report it).
    public static let commandNotFound: Int32 = 127
}
