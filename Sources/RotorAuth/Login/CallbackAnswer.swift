/// What the loopback callback server answers one request, and what that request means for the login.
///
/// A pure function of the request (``answer(method:path:query:expectedState:)``), so that every rule is tested
/// without a socket: only `GET /auth/callback` with this login's `state` counts. Without it (a stale tab of an
/// earlier attempt, or any web page pointing an `<img>` at the callback) the answer is a 400 page saying the link is
/// stale, and the login goes on waiting. With it, an `error` or a missing `code` answers 400 and fails the login, and
/// a code answers a page that may be closed. Any other request is a 404 that changes nothing.
public struct CallbackAnswer: Sendable, Hashable {
    /// What a callback request means for the login.
    public enum Outcome: Sendable, Hashable, CustomStringConvertible {
        /// The browser brought back an authorization code for this login.
        case authorized(code: String)
        /// The login failed; the reason is shown in the terminal.
        case failed(LoginError)

        /// Redacted: the code never prints.
        public var description: String {
            switch self {
            case .authorized: "authorized(code: <redacted>)"
            case .failed(let error): "failed(\(error.code.rawValue))"
            }
        }
    }

    /// The HTTP status: 200, 400 or 404.
    public var status: Int
    /// The page shown in the browser.
    public var html: String
    /// `nil` when the request does not concern this login (a favicon, a probe, another attempt's callback).
    public var outcome: Outcome?

    /// The path the issuer redirects to.
    public static let callbackPath = "/auth/callback"

    /// Headers sent with every answer: no framing, no scripts or other loads, no caching, no referrer.
    public static let headers: [(name: String, value: String)] = [
        ("Content-Type", "text/html; charset=utf-8"),
        ("X-Frame-Options", "DENY"),
        ("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
        ("Cache-Control", "no-store"),
        ("Connection", "close"),
    ]

    /// The answer to `method path?query` for the login whose state is `expectedState`.
    public static func answer(method: String, path: String, query: String?, expectedState: String) -> CallbackAnswer {
        guard method == "GET", path == callbackPath else {
            let html = page(title: "Not found", body: "rotor serves only the login callback here.")
            return CallbackAnswer(status: 404, html: html, outcome: nil)
        }
        let parameters = FormURLEncoding.decode(Substring(query ?? ""))
        switch AuthorizationResponse.code(from: parameters, expectedState: expectedState) {
        case .success(let code):
            return CallbackAnswer(
                status: 200,
                html: page(
                    title: "Login complete",
                    body: "rotor received the login. You can close this tab and return to the terminal."
                ),
                outcome: .authorized(code: code)
            )
        case .failure(.stateMismatch):
            return CallbackAnswer(
                status: 400,
                html: page(
                    title: "Stale login link",
                    body: "This login link is stale: it belongs to another login attempt, so rotor ignored it. "
                        + "Please return to the terminal, where rotor is still waiting, and log in with the URL it "
                        + "shows."
                ),
                outcome: nil
            )
        case .failure(let error):
            return CallbackAnswer(
                status: 400,
                html: page(title: "Login failed", body: "\(error.description). Return to the terminal."),
                outcome: .failed(error)
            )
        }
    }

    private static func page(title: String, body: String) -> String {
        """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>rotor: \(escape(title))</title></head>
        <body><h1>\(escape(title))</h1><p>\(escape(body))</p></body></html>

        """
    }

    private static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
