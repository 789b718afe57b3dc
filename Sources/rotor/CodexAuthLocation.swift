import Foundation
import RotorCore

#if canImport(Glibc)
import Glibc
#endif

/// Where `rotor accounts import` reads the Codex login from, and the reading itself.
struct CodexAuthLocation: Hashable {
    /// The file's path as shown in messages.
    let path: String

    /// `explicitPath` if given, else `$CODEX_HOME/auth.json`, else `~/.codex/auth.json`.
    static func resolve(_ explicitPath: String?, environment: [String: String]) -> CodexAuthLocation {
        if let explicitPath { return CodexAuthLocation(path: explicitPath) }
        if let codexHome = environment["CODEX_HOME"], !codexHome.isEmpty {
            return CodexAuthLocation(path: URL(fileURLWithPath: codexHome).appending(path: "auth.json").path)
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return CodexAuthLocation(path: URL(fileURLWithPath: home).appending(path: ".codex/auth.json").path)
    }

    /// The largest file read: an auth.json is a few kilobytes.
    static let maximumBytes = 1 << 20

    /// The file's bytes. Opened read-only; the file is never modified.
    ///
    /// Only a regular file of at most ``maximumBytes`` is read, so that a device (`/dev/zero`) or a FIFO cannot
    /// hang the command (`O_NONBLOCK` keeps the open of a FIFO from waiting for a writer).
    /// - Throws: ``CommandError``: missing (66), permission denied (77), unreadable (66).
    func bytes() throws -> Data {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else { throw failure(errno) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw failure(errno) }
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw CommandError.fileUnreadable(path, reason: "not a regular file")
        }
        var contents = Data()
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { return contents }
            if count < 0 {
                if errno == EINTR { continue }
                throw failure(errno)
            }
            contents.append(contentsOf: buffer[..<count])
            guard contents.count <= Self.maximumBytes else {
                throw CommandError.fileUnreadable(path, reason: "larger than 1 MiB, so not a Codex auth.json")
            }
        }
    }

    /// Parses the bytes as a Codex login.
    /// - Throws: ``CommandError`` `import-refused` (65) with the reason.
    func login(from bytes: Data) throws -> AccountLogin {
        do {
            return try CodexAuthFile.parse(bytes)
        } catch {
            throw CommandError.importRefused(error, path: path)
        }
    }

    private func failure(_ error: Int32) -> CommandError {
        switch error {
        case ENOENT: .fileNotFound(path)
        case EACCES, EPERM: .filePermissionDenied(path)
        default: .fileUnreadable(path, reason: String(cString: strerror(error)))
        }
    }
}
