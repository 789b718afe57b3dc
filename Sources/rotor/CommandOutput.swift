import RotorPlatform

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

    /// Writes `text` to stdout at once, unbuffered (`rotor log --follow` feeding a pipe).
    static func writeNow(_ text: String) throws {
        try DescriptorOutput.writeAll(text, to: DescriptorOutput.standardOutput)
    }

    private static func writeStandardError(_ text: String) {
        // A closed or full stderr leaves nowhere to report to.
        try? DescriptorOutput.writeAll(text, to: DescriptorOutput.standardError)
    }
}
