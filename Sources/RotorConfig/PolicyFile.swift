#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import RotorCore
internal import TOMLKit

/// The routing policy a config file states:
///
/// ```toml
/// [routing]
/// strategy = "headroom"                 # headroom | reset-first | drain | round-robin
/// reserve = { "5h" = 0, "weekly" = 0 }  # percent of each window every account keeps free
/// when-all-reserved = "use-reserve"     # or "wait": answer as a dry pool
///
/// [accounts."work"]                     # any account selector
/// priority = 1                          # lower is used first; every account defaults to 1
/// reserve = { "weekly" = 30 }
/// ```
///
/// Every key is optional; a key the file does not state keeps ``RoutingPolicy/default``'s value. Any other key is an
/// error, so a typo never passes silently (and nothing here can reach the request invariants or the proxy's address
/// or secret).
public struct PolicyFile {
    /// The largest file read: a policy is a few lines, and a larger file is most likely the wrong one.
    public static let maximumSize = 1 << 20

    /// The policy the file at `url` states, resolved against `accounts`; nil when no file exists there (today's
    /// behaviour).
    /// - Throws: ``ConfigFileError``: the file cannot be read, is too large, is not TOML, or states something wrong.
    public static func load(at url: URL, accounts: [Account]) throws(ConfigFileError) -> LoadedPolicy? {
        let path = url.path(percentEncoded: false)
        guard let text = try read(path) else { return nil }
        return try parse(text, path: path, accounts: accounts)
    }

    /// Same from text already read (for tests and `policy check`).
    /// - Throws: ``ConfigFileError``: the text is not TOML or states something wrong.
    public static func parse(_ text: String, path: String, accounts: [Account]) throws(ConfigFileError) -> LoadedPolicy {
        if let nul = text.utf8.firstIndex(of: 0) {
            let line = text.utf8[..<nul].count { $0 == UInt8(ascii: "\n") } + 1
            throw ConfigFileError(path: path, line: line, problem: "a NUL byte; save the file as plain text")
        }
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            let sentence = error.description.split(whereSeparator: \.isNewline).joined(separator: " ")
            let words = sentence.prefix(1).lowercased() + sentence.dropFirst()
            throw ConfigFileError(
                path: path, line: error.source.begin.line, problem: "not valid TOML (\(words)); fix the syntax there")
        } catch {
            throw ConfigFileError(path: path, problem: "not valid TOML; fix its syntax")
        }
        var reader = PolicyFileReader(path: path, keyLines: KeyLines(scanning: text), accounts: accounts)
        return try reader.read(root)
    }

    /// The file's text; `nil` when nothing is at `path`.
    private static func read(_ path: String) throws(ConfigFileError) -> String? {
        // The file a symbolic link names: its type and size are what count.
        let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path(percentEncoded: false)
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: target)
        } catch let error as CocoaError where error.code == .fileReadNoSuchFile || error.code == .fileNoSuchFile {
            return nil
        } catch {
            throw unreadable(path, error)
        }
        switch attributes[.type] as? FileAttributeType {
        case .typeRegular?:
            break
        case .typeDirectory?:
            throw ConfigFileError(path: path, problem: "a directory, not a file; name the config file itself")
        default:
            throw ConfigFileError(path: path, problem: "not a regular file; name the config file itself")
        }
        if let size = attributes[.size] as? Int, size > maximumSize {
            throw ConfigFileError(
                path: path,
                problem: "larger than 1 MiB, too large for a config file; check that this is the right file")
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: target))
        } catch {
            throw unreadable(path, error)
        }
        guard data.count <= maximumSize else {
            throw ConfigFileError(
                path: path,
                problem: "larger than 1 MiB, too large for a config file; check that this is the right file")
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw ConfigFileError(path: path, problem: "not UTF-8 text; save it as UTF-8")
        }
        return text
    }

    private static func unreadable(_ path: String, _ error: any Error) -> ConfigFileError {
        if let error = error as? CocoaError, error.code == .fileReadNoPermission {
            return ConfigFileError(
                path: path, problem: "cannot be read (permission denied); let your user read it (chmod u+r \(path))")
        }
        return ConfigFileError(path: path, problem: "cannot be read; check that it is a file your user can read")
    }
}
