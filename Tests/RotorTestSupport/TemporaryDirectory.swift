import Foundation

/// A fresh, private (0700) directory under the system's temporary directory, for one test.
///
/// The test removes it when done: `let directory = try TemporaryDirectory(); defer { directory.remove() }`.
/// (A `deinit` would not do: Swift may end an object's life right after its last use, before the test is done with
/// the paths it handed out.)
public struct TemporaryDirectory: Sendable {
    /// The directory.
    public let url: URL

    /// Creates `<temporary directory>/<prefix>-<UUID>`, readable by this user only.
    public init(prefix: String = "rotor-tests") throws {
        url = FileManager.default.temporaryDirectory.appending(path: "\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    /// The directory's path.
    public var path: String { url.path(percentEncoded: false) }

    /// The URL of `name` (which may hold `/`) inside the directory; nothing is created.
    public func appending(_ name: String) -> URL { url.appending(path: name) }

    /// The path of `name` (which may hold `/`) inside the directory; nothing is created.
    public func path(_ name: String) -> String { appending(name).path(percentEncoded: false) }

    /// Removes the directory and everything in it; a directory already gone is fine.
    public func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}
