/// `rotor status --watch`: a frame now, then one every interval, until the task is cancelled (Ctrl-C).
///
/// Time is an input: the interval and the clock are injected, so a test drives frames without waiting for them.
struct StatusWatch {
    /// How frames follow each other on stdout.
    enum Framing: Equatable {
        /// A terminal: each frame replaces the one before (cursor home, every line cleared to its end, the rest of
        /// the screen cleared), the cursor hidden while watching and shown again at the end.
        case redraw
        /// A pipe or a file: frames one after the other, separated by a blank line.
        case append
        /// `--json`: one compact document per line (JSON Lines), nothing between them.
        case jsonLines

        /// Frame number `index` (0 first) of `frame` as written to stdout.
        func wrap(_ frame: String, index: Int) -> String {
            switch self {
            case .redraw:
                let start = index == 0 ? "\u{1B}[?25l\u{1B}[H\u{1B}[2J" : "\u{1B}[H"
                let lines = frame.split(separator: "\n", omittingEmptySubsequences: false)
                return start + lines.joined(separator: "\u{1B}[K\n") + "\u{1B}[J"
            case .append:
                return index == 0 ? frame : "\n" + frame
            case .jsonLines:
                return frame
            }
        }

        /// What is written once watching ends: the cursor shown again on a terminal.
        var ending: String {
            self == .redraw ? "\u{1B}[?25h" : ""
        }
    }

    /// The interval `rotor status --watch` uses.
    static let defaultInterval = Duration.seconds(2)

    let framing: Framing
    let interval: Duration
    let clock: any Clock<Duration>

    /// Writes `frame()` at once and then every ``interval`` after the last one was written, until the task is
    /// cancelled; then writes the framing's ending (also when a frame or a write fails). Returns normally when
    /// cancelled.
    func run(frame: () throws -> String, write: (String) throws -> Void) async throws {
        defer { try? write(framing.ending) }
        var index = 0
        while !Task.isCancelled {
            try write(framing.wrap(try frame(), index: index))
            index += 1
            do {
                try await clock.sleep(for: interval)
            } catch is CancellationError {
                return
            }
        }
    }
}
