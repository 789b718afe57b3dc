import AsyncHTTPClient
import Logging

/// The login for machines whose browser cannot reach rotor: the user opens the printed URL anywhere, logs in, and
/// pastes the address the browser ends on (or `code#state`, or its query string).
public struct PasteLogin: Sendable {
    /// The issuer to log in with.
    public var issuer: OAuthIssuer
    /// The timeout that bounds the wait for the pasted text.
    public var settings: LoginSettings
    var exchange: CodeExchange

    /// The redirect URI of a pasted login: Codex's registered callback, which the browser fails to load.
    public static let redirectURI = AuthorizeURL.loopbackRedirectURI(port: LoginSettings.defaultCallbackPorts[0])

    /// A login against `issuer`, exchanging the code over `httpClient`.
    public init(issuer: OAuthIssuer, httpClient: HTTPClient, logger: Logger, settings: LoginSettings = LoginSettings())
    {
        self.init(
            issuer: issuer,
            settings: settings,
            exchange: CodeExchange(issuer: issuer, httpClient: httpClient, logger: logger)
        )
    }

    init(issuer: OAuthIssuer, settings: LoginSettings, exchange: CodeExchange) {
        self.issuer = issuer
        self.settings = settings
        self.exchange = exchange
    }

    /// Runs the login and returns the exchanged tokens.
    /// - Throws: ``LoginError``.
    public func run(
        console: some LoginConsole,
        input: some LoginInput,
        using rng: inout some RandomNumberGenerator
    ) async throws -> LoginTokens {
        try await run(request: AuthorizationRequest.generate(using: &rng), console: console, input: input)
    }

    func run(request: AuthorizationRequest, console: some LoginConsole, input: some LoginInput) async throws
        -> LoginTokens
    {
        console.show(.authorizeURL(request.authorizeURL(issuer: issuer, redirectURI: Self.redirectURI), opening: false))
        console.show(.pastePrompt(redirectURI: Self.redirectURI))
        let code = try await LoginWait.code(
            callbacks: nil,
            input: input,
            expectedState: request.state,
            timeout: settings.interactiveTimeout,
            console: console
        )
        return try await exchange.exchange(code: code, verifier: request.pkce.verifier, redirectURI: Self.redirectURI)
    }
}
