/// Text from a server or a browser, made safe to print on a terminal.
enum TerminalText {
    /// `text` without control characters (no escape sequences can reach the terminal), at most `limit` characters.
    static func clean(_ text: String, limit: Int = 200) -> String {
        let printable = text.unicodeScalars.filter { !$0.properties.generalCategory.isControlOrFormat }
        let cleaned = String(String.UnicodeScalarView(printable))
        return cleaned.count > limit ? String(cleaned.prefix(limit)) + "…" : cleaned
    }
}

extension Unicode.GeneralCategory {
    fileprivate var isControlOrFormat: Bool {
        switch self {
        case .control, .format, .lineSeparator, .paragraphSeparator: true
        default: false
        }
    }
}
