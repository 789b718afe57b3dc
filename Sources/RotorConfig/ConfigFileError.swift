public import RotorCore

/// Why a config file states no policy: one line naming the file, the line and the key, what is wrong and what to do.
///
/// `/home/u/.config/rotor/config.toml:3: routing.strategy: "fastest" is not a strategy; use headroom, reset-first,
/// drain or round-robin`. A problem with the file as a whole (unreadable, too large) has no line and no key.
public struct ConfigFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file's path as given.
    public var path: String
    /// The line (from 1) the problem is on; `nil` for a problem with the whole file.
    public var line: Int?
    /// The key the problem is with, as a dotted path (`routing.strategy`, `accounts."work".priority`); `nil` for a
    /// syntax error or a problem with the whole file.
    public var key: String?
    /// What is wrong and what to do, after a semicolon.
    public var problem: String

    /// Creates an error.
    public init(path: String, line: Int? = nil, key: String? = nil, problem: String) {
        self.path = path
        self.line = line
        self.key = key
        self.problem = problem
    }

    /// `<path>:<line>: <key>: <problem>`, leaving out what is `nil`.
    public var description: String {
        var text = path
        if let line { text += ":\(line)" }
        if let key { text += ": \(key)" }
        return text + ": " + problem
    }
}

extension ConfigFileError: UserFacingError {
    /// A config problem: 78 (`EX_CONFIG`).
    public var exitCode: Int32 { ExitStatusCode.configuration }
}
