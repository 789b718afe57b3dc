#if canImport(Glibc)
import Glibc
#endif

/// Writes to the terminal. Errors are one line on stderr, prefixed with `rotor: `.
enum CommandOutput {
    /// Prints one line to stderr, prefixed with `rotor: `.
    static func printError(_ message: String) {
        writeStandardError("rotor: \(message)\n")
    }

    /// Prints one line to stderr without a prefix (progress and warnings).
    static func printNotice(_ message: String) {
        writeStandardError("\(message)\n")
    }

    private static func writeStandardError(_ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
            guard written > 0 else { return }
            bytes = bytes.dropFirst(written)
        }
    }
}
