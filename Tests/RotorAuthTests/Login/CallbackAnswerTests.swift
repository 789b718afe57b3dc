import Testing

@testable import RotorAuth

struct CallbackAnswerTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var method = "GET"
        var path = "/auth/callback"
        var query: String?
        var status: Int
        var outcome: CallbackAnswer.Outcome?
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "success", query: "code=the-code&state=S", status: 200, outcome: .authorized(code: "the-code")),
        Case(name: "encoded values", query: "state=S&code=a%2Bb+c", status: 200, outcome: .authorized(code: "a+b c")),
        // A stale tab, or any web page that points an <img> at the callback: answered, but the login goes on.
        Case(name: "wrong state", query: "code=the-code&state=other", status: 400, outcome: nil),
        Case(name: "no state", query: "code=the-code", status: 400, outcome: nil),
        Case(name: "no query", status: 400, outcome: nil),
        Case(name: "error without state", query: "error=access_denied", status: 400, outcome: nil),
        Case(name: "error with wrong state", query: "error=access_denied&state=other", status: 400, outcome: nil),
        Case(name: "missing code", query: "state=S", status: 400, outcome: .failed(.missingCode)),
        Case(name: "empty code", query: "code=&state=S", status: 400, outcome: .failed(.missingCode)),
        Case(
            name: "error with description",
            query: "error=access_denied&error_description=User+cancelled&state=S",
            status: 400,
            outcome: .failed(.authorizationDenied(error: "access_denied", description: "User cancelled"))
        ),
        Case(
            name: "error without description", query: "error=server_error&state=S", status: 400,
            outcome: .failed(.authorizationDenied(error: "server_error", description: nil))),
        Case(name: "other path", path: "/favicon.ico", status: 404, outcome: nil),
        Case(name: "root", path: "/", query: "code=c&state=S", status: 404, outcome: nil),
        Case(name: "POST", method: "POST", query: "code=c&state=S", status: 404, outcome: nil),
    ]

    /// Only `GET /auth/callback` with this login's state counts; then its error and code decide the status and the
    /// login's fate. A callback without this login's state changes nothing.
    @Test(arguments: cases)
    func answers(_ testCase: Case) {
        let answer = CallbackAnswer.answer(
            method: testCase.method,
            path: testCase.path,
            query: testCase.query,
            expectedState: "S"
        )
        #expect(answer.status == testCase.status)
        #expect(answer.outcome == testCase.outcome)
    }

    /// Every answer forbids framing and every load, and is never cached.
    @Test func headersAreStrict() {
        let headers = Dictionary(uniqueKeysWithValues: CallbackAnswer.headers.map { ($0.name, $0.value) })
        #expect(headers["X-Frame-Options"] == "DENY")
        #expect(headers["Content-Security-Policy"]?.hasPrefix("default-src 'none'") == true)
        #expect(headers["Content-Security-Policy"]?.contains("frame-ancestors 'none'") == true)
        #expect(headers["Cache-Control"] == "no-store")
        #expect(headers["Content-Type"] == "text/html; charset=utf-8")
    }

    /// Success says the tab can be closed; a failure page shows the reason with its markup escaped and no code.
    @Test func pagesSayWhatHappened() {
        let success = CallbackAnswer.answer(
            method: "GET", path: "/auth/callback", query: "code=c0de&state=S", expectedState: "S")
        #expect(success.html.contains("You can close this tab"))
        #expect(!success.html.contains("c0de"))
        let failure = CallbackAnswer.answer(
            method: "GET",
            path: "/auth/callback",
            query: "error=%3Cscript%3E&state=S",
            expectedState: "S"
        )
        #expect(failure.html.contains("&lt;script&gt;"))
        #expect(!failure.html.contains("<script>"))
    }

    /// A callback of another login attempt is told that its link is stale and to go back to the terminal.
    @Test(arguments: ["code=c0de&state=other", "code=c0de", "", "error=access_denied"])
    func staleCallbackPageSendsTheUserBack(_ query: String) {
        let answer = CallbackAnswer.answer(method: "GET", path: "/auth/callback", query: query, expectedState: "S")
        #expect(answer.status == 400)
        #expect(answer.html.contains("stale"))
        #expect(answer.html.contains("return to the terminal"))
        #expect(!answer.html.contains("c0de"))
    }

    /// Server text printed in the terminal loses control characters (no escape sequences) and is bounded.
    @Test func deniedErrorTextIsCleaned() {
        let error = LoginError.authorizationDenied(
            error: "bad\u{1B}[31m", description: String(repeating: "x", count: 500))
        #expect(!error.description.contains("\u{1B}"))
        #expect(error.description.count < 400)
    }
}
