public import Foundation
import RotorCore
import RotorPlatform

#if canImport(Glibc)
import Glibc
#endif

/// rotor's private state directory: the database, logs, lock files and the proxy secret.
///
/// The directory and its subdirectories are mode 0700; every file rotor creates in it is 0600 from the moment it
/// exists (``openPrivateFile(at:flags:)``), whatever the umask.
public struct StateDirectory: Sendable, Hashable {
    /// The directory itself.
    public let url: URL

    /// Uses `url` as the state directory.
    public init(url: URL) {
        self.url = url.standardizedFileURL
    }

    /// `$ROTOR_HOME`, else `$XDG_DATA_HOME/rotor`, else `~/.local/share/rotor`.
    ///
    /// Empty variables count as unset; a relative `XDG_DATA_HOME` is ignored, as the XDG spec asks.
    public static func resolve(environment: [String: String]) -> StateDirectory {
        if let home = environment["ROTOR_HOME"], !home.isEmpty {
            return StateDirectory(url: URL(fileURLWithPath: home, isDirectory: true))
        }
        if let dataHome = environment["XDG_DATA_HOME"], dataHome.hasPrefix("/") {
            return StateDirectory(url: URL(fileURLWithPath: dataHome, isDirectory: true).appending(path: "rotor"))
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return StateDirectory(
            url: URL(fileURLWithPath: home, isDirectory: true).appending(path: ".local/share/rotor")
        )
    }

    /// `<dir>/rotor.sqlite`: the account store.
    public var databaseURL: URL { url.appending(path: "rotor.sqlite") }
    /// `<dir>/logs`.
    public var logsDirectory: URL { url.appending(path: "logs", directoryHint: .isDirectory) }
    /// `<dir>/locks`: one lock file per account for cross-process token refresh.
    public var locksDirectory: URL { url.appending(path: "locks", directoryHint: .isDirectory) }
    /// `<dir>/recovery`: refreshed tokens that could not be stored, one `<account id>.json` each, adopted by the
    /// next store open (see ``TokenRecovery``).
    public var recoveryDirectory: URL { url.appending(path: "recovery", directoryHint: .isDirectory) }
    /// `<dir>/proxy.secret`.
    public var proxySecretURL: URL { url.appending(path: "proxy.secret") }

    /// Creates the directory, `logs/`, `locks/` and `recovery/` (mode 0700, tightening looser existing modes) and checks that
    /// rotor can write there.
    ///
    /// Missing parents are created like `mkdir -p` (their mode follows the umask; they are not rotor's).
    /// - Throws: ``StoreError`` (`stateDirectoryNotWritable`) when any of them cannot be created or written.
    public func prepare() throws {
        for directory in [url, logsDirectory, locksDirectory, recoveryDirectory] {
            try Self.makePrivateDirectory(directory, root: url, createParents: true)
        }
    }

    /// Creates `directory` 0700 (or tightens it). When its parent is missing, creates the parents once and tries
    /// again without creating them: a file system that reports a missing parent after the parent was made (procfs,
    /// a read-only mount) is an error, not an endless retry.
    private static func makePrivateDirectory(_ directory: URL, root: URL, createParents: Bool) throws {
        let path = directory.path(percentEncoded: false)
        if mkdir(path, 0o700) != 0 {
            let error = errno
            guard error == EEXIST || (error == ENOENT && createParents) else {
                throw StoreError.stateDirectoryNotWritable(root, reason: Self.describe(error))
            }
            if error == ENOENT {
                do {
                    try FileManager.default.createDirectory(
                        at: directory.deletingLastPathComponent(),
                        withIntermediateDirectories: true,
                        attributes: [.posixPermissions: 0o755]
                    )
                } catch {
                    throw StoreError.stateDirectoryNotWritable(root, reason: "cannot create its parent directory")
                }
                return try makePrivateDirectory(directory, root: root, createParents: false)
            }
        }
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw StoreError.stateDirectoryNotWritable(root, reason: Self.describe(errno))
        }
        guard status.st_mode & S_IFMT == S_IFDIR else {
            throw StoreError.stateDirectoryNotWritable(root, reason: "\(path) exists and is not a directory")
        }
        if status.st_mode & 0o777 != 0o700, chmod(path, 0o700) != 0 {
            throw StoreError.stateDirectoryNotWritable(root, reason: "cannot make \(path) private (mode 0700)")
        }
        guard access(path, W_OK | X_OK) == 0 else {
            throw StoreError.stateDirectoryNotWritable(root, reason: Self.describe(errno))
        }
    }

    /// Opens a private file with `O_CLOEXEC`, creating it with mode 0600 if absent, and returns the descriptor.
    ///
    /// `flags` are `open(2)` flags (`O_RDWR`, `O_APPEND`, …); `O_CREAT` and `O_CLOEXEC` are always added. An
    /// existing file with a looser mode is tightened to 0600. The caller owns (and closes) the descriptor.
    /// - Throws: ``StoreError`` (`cannotCreateFile`) naming the file.
    public static func openPrivateFile(at url: URL, flags: Int32) throws -> Int32 {
        do {
            return try PrivateFile.open(url.path(percentEncoded: false), flags: flags)
        } catch {
            throw StoreError.cannotCreateFile(url, reason: error.description)
        }
    }

    static func describe(_ error: Int32) -> String {
        String(cString: strerror(error))
    }
}
