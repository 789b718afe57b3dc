import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Asking the person at the terminal before a destructive change.
enum Confirmation {
    /// Whether stdin is a terminal a person can answer from.
    static var canAsk: Bool { isatty(STDIN_FILENO) == 1 }

    /// Prints `question [y/N] ` to stderr and reads one line from stdin.
    static func ask(_ question: String) -> Bool {
        FileHandle.standardError.write(Data("\(question) [y/N] ".utf8))
        return isYes(readLine())
    }

    /// `y` or `yes`, in any case and surrounded by any whitespace; anything else (or end of input) is no.
    static func isYes(_ answer: String?) -> Bool {
        guard let answer else { return false }
        return ["y", "yes"].contains(answer.trimmingCharacters(in: .whitespacesAndNewlines).lowercased())
    }
}
