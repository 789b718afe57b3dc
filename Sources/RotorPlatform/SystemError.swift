/// A failed system call's `errno`, described by the system's message for it.
package struct SystemError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The `errno` value.
    package var code: Int32

    /// Wraps an `errno` value.
    package init(code: Int32) {
        self.code = code
    }

    /// The file already exists (`EEXIST`), as an exclusive creation reports it.
    package static let fileExists = SystemError(code: SystemCalls.exists)

    /// The system's message, such as "Permission denied".
    package var description: String { SystemCalls.message(for: code) }
}
