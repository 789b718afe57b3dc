import Foundation

/// Opens a URL in the user's browser: `$BROWSER` when set, else `xdg-open`.
///
/// Only used when there is a browser to show (``fromEnvironment(_:)``); the URL is always printed as well. The
/// URL carries no secret (the PKCE challenge and `state` are public by design), so it may appear in `argv`.
public struct BrowserOpener: Sendable, Hashable {
    /// The command and its arguments; the URL replaces `%s`, or is appended when there is none.
    public var command: [String]

    /// Opens with `command`.
    public init(command: [String]) {
        self.command = command
    }

    /// `$BROWSER` when set; else `xdg-open` when `DISPLAY` or `WAYLAND_DISPLAY` is set; else `nil`: no display, so
    /// the user opens the printed URL elsewhere.
    public static func fromEnvironment(_ environment: [String: String]) -> BrowserOpener? {
        // $BROWSER is a colon-separated list of commands (the convention of `sensible-browser` and Python's
        // `webbrowser`); the first one is used.
        if let browser = environment["BROWSER"]?.split(separator: ":").first,
            case let words = browser.split(separator: " ").map(String.init), !words.isEmpty
        {
            return BrowserOpener(command: words)
        }
        let hasDisplay = [environment["DISPLAY"], environment["WAYLAND_DISPLAY"]].contains { !($0 ?? "").isEmpty }
        return hasDisplay ? BrowserOpener(command: ["xdg-open"]) : nil
    }

    /// The argument vector that opens `url`.
    public func arguments(opening url: URL) -> [String] {
        let text = url.absoluteString
        return command.contains { $0.contains("%s") }
            ? command.map { $0.replacing("%s", with: text) }
            : command + [text]
    }

    /// Starts the browser without waiting for it (`xdg-open` may not return until the browser exits); its output
    /// goes to /dev/null so it cannot garble the terminal. Returns whether the command could be started.
    public func open(_ url: URL) -> Bool {
        let process = Process()
        process.executableURL = URL(filePath: "/usr/bin/env")
        process.arguments = arguments(opening: url)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
            return true
        } catch {
            return false
        }
    }
}
