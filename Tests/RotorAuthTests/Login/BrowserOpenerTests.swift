import Foundation
import RotorAuth
import Testing

struct BrowserOpenerTests {
    /// `$BROWSER` (its first command) wins; else `xdg-open` only when there is a display; else no opener, and the
    /// user opens the printed URL elsewhere.
    @Test(arguments: [
        (["BROWSER": "firefox", "DISPLAY": ":0"], ["firefox"]),
        (["BROWSER": "w3m -o x=1:lynx"], ["w3m", "-o", "x=1"]),
        (["BROWSER": "", "DISPLAY": ":0"], ["xdg-open"]),
        (["WAYLAND_DISPLAY": "wayland-0"], ["xdg-open"]),
        (["DISPLAY": ""], nil),
        ([:], nil),
    ] as [([String: String], [String]?)])
    func choosesTheCommand(environment: [String: String], expected: [String]?) {
        #if os(Linux)
        #expect(BrowserOpener.fromEnvironment(environment)?.command == expected)
        #endif
    }

    /// The URL replaces `%s`, else it is appended.
    @Test func placesTheURL() throws {
        let url = try #require(URL(string: "https://auth.example/oauth/authorize?state=s"))
        #expect(BrowserOpener(command: ["xdg-open"]).arguments(opening: url) == ["xdg-open", url.absoluteString])
        #expect(
            BrowserOpener(command: ["browser", "--url=%s", "-n"]).arguments(opening: url)
                == ["browser", "--url=\(url.absoluteString)", "-n"]
        )
    }
}
