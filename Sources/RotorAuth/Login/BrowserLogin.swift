import AsyncHTTPClient
import Logging

/// The default login: OAuth authorization code with PKCE in the user's browser, returning to a one-shot loopback
/// callback server (RFC 8252).
///
/// The authorize URL is always printed; a browser is started on it only when there is a display (``BrowserOpener``).
/// While waiting, the user may also paste the address the browser ended on (a browser on another machine). When
/// every callback port is busy, the login continues as a ``PasteLogin``.
public struct BrowserLogin: Sendable {
    /// The issuer to log in with.
    public var issuer: OAuthIssuer
    /// Ports and timeout.
    public var settings: LoginSettings
    /// Starts a browser on the authorize URL; `nil` when there is no display.
    public var opener: BrowserOpener?
    var exchange: CodeExchange

    /// A login against `issuer`, exchanging the code over `httpClient`.
    public init(
        issuer: OAuthIssuer,
        httpClient: HTTPClient,
        logger: Logger,
        settings: LoginSettings = LoginSettings(),
        opener: BrowserOpener? = nil
    ) {
        self.issuer = issuer
        self.settings = settings
        self.opener = opener
        self.exchange = CodeExchange(issuer: issuer, httpClient: httpClient, logger: logger)
    }

    /// Runs the login and returns the exchanged tokens.
    /// - Parameters:
    ///   - console: where the URL and the waiting line are shown.
    ///   - input: where a pasted redirect URL is read.
    ///   - rng: the source of the PKCE verifier and the `state` (cryptographically secure in production).
    /// - Throws: ``LoginError``.
    public func run(
        console: some LoginConsole,
        input: some LoginInput,
        using rng: inout some RandomNumberGenerator
    ) async throws -> LoginTokens {
        let request = AuthorizationRequest.generate(using: &rng)
        let (callbacks, continuation) = AsyncStream.makeStream(of: CallbackAnswer.Outcome.self)
        defer { continuation.finish() }
        let responder = CallbackResponder(expectedState: request.state, outcomes: continuation)
        let answer = try await CallbackServer.withFirstFreePort(settings.callbackPorts, responder: responder) { port in
            let redirectURI = AuthorizeURL.loopbackRedirectURI(port: port)
            let url = request.authorizeURL(issuer: issuer, redirectURI: redirectURI)
            console.show(.authorizeURL(url, opening: opener != nil))
            if let opener, !opener.open(url) { console.show(.browserDidNotOpen) }
            console.show(.waitingForBrowser(timeout: settings.interactiveTimeout))
            let code = try await LoginWait.code(
                callbacks: callbacks,
                input: input,
                expectedState: request.state,
                timeout: settings.interactiveTimeout,
                console: console
            )
            return AuthorizationAnswer(code: code, redirectURI: redirectURI)
        }
        guard let answer else {
            console.show(.callbackPortsBusy(settings.callbackPorts))
            return try await PasteLogin(issuer: issuer, settings: settings, exchange: exchange)
                .run(request: request, console: console, input: input)
        }
        return try await exchange.exchange(
            code: answer.code, verifier: request.pkce.verifier, redirectURI: answer.redirectURI)
    }
}

/// An authorization code and the redirect URI it was issued for (the exchange must repeat it).
struct AuthorizationAnswer: Sendable {
    var code: String
    var redirectURI: String
}
