/// What tells a file's versions apart without reading it: its device and inode (an editor that saves by renaming
/// makes a new inode), size and modification time to the nanosecond.
package struct FileFingerprint: Hashable, Sendable {
    package var device: UInt64
    package var inode: UInt64
    package var size: Int64
    package var modifiedSeconds: Int64
    package var modifiedNanoseconds: Int64

    /// The fingerprint of the file at `path`; `nil` when there is none there (or it cannot be looked at).
    package static func of(path: String) -> FileFingerprint? {
        try? SystemCalls.status(ofPath: path).get()
    }
}
