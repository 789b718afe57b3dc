/// How long a login waits and where its callback server listens.
public struct LoginSettings: Sendable, Hashable {
    /// `$ROTOR_LOGIN_TIMEOUT`: how long the browser and paste flows wait (``defaultTimeout`` when unset). When set,
    /// it also shortens the device flow below its 15 minutes.
    public var timeout: Duration?
    /// Loopback ports tried in order for the browser callback; the redirect URI names the one that was bound.
    public var callbackPorts: [Int]

    /// The environment variable that sets ``timeout`` in seconds.
    public static let timeoutKey = "ROTOR_LOGIN_TIMEOUT"
    /// How long the browser and paste flows wait when `$ROTOR_LOGIN_TIMEOUT` is unset.
    public static let defaultTimeout = Duration.seconds(300)
    /// Codex's callback port and its fallback.
    public static let defaultCallbackPorts = [1455, 1457]

    /// Settings with the given values.
    public init(timeout: Duration? = nil, callbackPorts: [Int] = defaultCallbackPorts) {
        self.timeout = timeout
        self.callbackPorts = callbackPorts
    }

    /// The wait of the browser and paste flows.
    public var interactiveTimeout: Duration { timeout ?? Self.defaultTimeout }

    /// Reads `$ROTOR_LOGIN_TIMEOUT` (a positive number of seconds, fractions allowed).
    /// - Throws: ``LoginError`` (`invalidTimeout`) for anything else.
    public static func fromEnvironment(_ environment: [String: String]) throws(LoginError) -> LoginSettings {
        guard let text = environment[timeoutKey], !text.isEmpty else { return LoginSettings() }
        guard let seconds = Double(text), seconds.isFinite, seconds > 0, seconds <= 86_400 else {
            throw .invalidTimeout(text)
        }
        return LoginSettings(timeout: .milliseconds(Int64((seconds * 1000).rounded(.up))))
    }
}
