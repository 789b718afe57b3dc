#if canImport(Glibc)
import Glibc
#endif

/// How text is drawn: `plain` for pipes, files and `NO_COLOR`; `styled` (ANSI colour, bar glyphs) for a terminal.
enum TextStyle: Equatable, Sendable {
    case plain
    case styled

    /// An ANSI graphic rendition `styled` text uses.
    enum Paint: String {
        case bold = "1"
        case dim = "2"
        case red = "31"
        case green = "32"
        case yellow = "33"
    }

    /// `text` in `paint` when styled; `text` unchanged when plain.
    func paint(_ text: String, _ paint: Paint) -> String {
        self == .styled ? "\u{1B}[\(paint.rawValue)m\(text)\u{1B}[0m" : text
    }
}

/// What stdout can show, decided once from whether it is a terminal and from the environment.
///
/// Colour and bar glyphs only on a terminal whose `TERM` is not `dumb` and with `NO_COLOR` unset or empty (the
/// no-color.org rule); a pipe, a file, `TERM=dumb` or `NO_COLOR` get plain text. Redrawing in place (cursor
/// movement, `--watch`) needs only the terminal: `NO_COLOR` asks for no colour, not for no cursor movement.
struct TerminalTraits: Equatable, Sendable {
    /// How text is drawn.
    var style: TextStyle
    /// Whether output may move the cursor to redraw in place.
    var redrawsInPlace: Bool

    init(isTerminal: Bool, environment: [String: String]) {
        redrawsInPlace = isTerminal && environment["TERM"] != "dumb"
        let noColor = !(environment["NO_COLOR"] ?? "").isEmpty
        style = redrawsInPlace && !noColor ? .styled : .plain
    }

    /// The traits of this process's stdout.
    static func standardOutput(environment: [String: String]) -> TerminalTraits {
        TerminalTraits(isTerminal: isatty(STDOUT_FILENO) == 1, environment: environment)
    }
}
