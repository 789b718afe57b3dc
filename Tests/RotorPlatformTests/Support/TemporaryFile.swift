import Foundation

/// A path in a fresh temporary directory, removed with the directory.
struct TemporaryFile {
    let directory: URL
    let path: String

    init(named name: String = "file") throws {
        directory = FileManager.default.temporaryDirectory.appending(path: "rotor-platform-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        path = directory.appending(path: name).path(percentEncoded: false)
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}
