#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Finds the file a command name refers to, the way `execvp(3)` does.
///
/// A name with a slash is used as it is; any other name is looked up in each directory of `PATH` in order (an
/// empty entry means the current directory; glibc's `/bin:/usr/bin` when `PATH` is unset). The first executable
/// regular file wins. Resolving up front lets a missing command be refused before anything starts, with one clear
/// line, instead of a child that exits 127.
public struct CommandLookup: Sendable {
    /// The search path, as in `PATH`.
    public var searchPath: String

    /// The search path used when `PATH` is unset (glibc's default for `execvp`).
    public static let defaultSearchPath = "/bin:/usr/bin"

    /// Creates a lookup over `searchPath`.
    public init(searchPath: String) {
        self.searchPath = searchPath
    }

    /// Creates a lookup over the `PATH` of `environment`.
    public init(environment: [String: String]) {
        self.init(searchPath: environment["PATH"] ?? Self.defaultSearchPath)
    }

    /// The path of the file to execute for `command`; throws ``LaunchError`` when there is none or it is not
    /// executable.
    public func resolve(_ command: String) throws(LaunchError) -> String {
        guard !command.isEmpty else {
            throw LaunchError.commandNotFound(command)
        }
        if command.contains("/") {
            switch Self.probe(command) {
            case .executable: return command
            case .notExecutable: throw LaunchError.commandNotExecutable(command)
            case .missing: throw LaunchError.commandNotFound(command)
            }
        }
        var firstNotExecutable: String?
        for directory in searchPath.split(separator: ":", omittingEmptySubsequences: false) {
            let candidate = directory.isEmpty ? command : "\(directory)/\(command)"
            switch Self.probe(candidate) {
            case .executable:
                return candidate
            case .notExecutable:
                firstNotExecutable = firstNotExecutable ?? candidate
            case .missing:
                continue
            }
        }
        if let firstNotExecutable {
            throw LaunchError.commandNotExecutable(firstNotExecutable)
        }
        throw LaunchError.commandNotFound(command)
    }

    private enum Probe {
        case executable, notExecutable, missing
    }

    private static func probe(_ path: String) -> Probe {
        var info = stat()
        guard stat(path, &info) == 0 else {
            return .missing
        }
        let isRegularFile = (info.st_mode & S_IFMT) == S_IFREG
        return isRegularFile && access(path, X_OK) == 0 ? .executable : .notExecutable
    }
}
