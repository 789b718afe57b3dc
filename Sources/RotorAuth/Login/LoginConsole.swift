import Foundation

/// Where a login shows the user what to open, what to type and what it is waiting for.
public protocol LoginConsole: Sendable {
    /// Shows one message (the terminal prints ``LoginMessage/text``).
    func show(_ message: LoginMessage)
}

/// Everything a login tells the user. The authorize URL is shown complete; no secret is ever part of a message.
public enum LoginMessage: Sendable, Hashable {
    /// The URL to log in at; `opening` tells whether rotor is opening a browser on it.
    case authorizeURL(URL, opening: Bool)
    /// The browser could not be started; the user opens the URL themselves.
    case browserDidNotOpen
    /// The callback server listens; rotor waits for the browser or a pasted URL until `timeout`.
    case waitingForBrowser(timeout: Duration)
    /// Every callback port is busy, so the login continues by pasting.
    case callbackPortsBusy([Int])
    /// Asks for the address the browser ended on.
    case pastePrompt(redirectURI: String)
    /// The pasted text was not a redirect URL; the user may paste again.
    case pasteNotRecognized
    /// The pasted answer belongs to another login attempt (an old tab); the user may paste again.
    case pasteFromAnotherAttempt
    /// The device flow's page and one-time code.
    case deviceCode(verificationURL: URL, userCode: String, expiresIn: Duration)
    /// rotor polls until the device login is approved.
    case waitingForDeviceApproval

    /// The text printed for the message.
    public var text: String {
        switch self {
        case .authorizeURL(let url, opening: true):
            "Opening your browser to log in. If it does not open, visit this URL:\n\n  \(url.absoluteString)\n"
        case .authorizeURL(let url, opening: false):
            "Open this URL in a browser to log in:\n\n  \(url.absoluteString)\n"
        case .browserDidNotOpen:
            "Could not start a browser; open the URL above yourself."
        case .waitingForBrowser(let timeout):
            "Waiting for the login to finish in the browser (up to \(Self.minutes(timeout)))… "
                + "If the browser is on another machine, paste the address it ends on here."
        case .callbackPortsBusy(let ports):
            "Ports \(ports.map(String.init).joined(separator: " and ")) on localhost are busy, so the browser "
                + "cannot hand the login back to rotor; finish it by pasting instead."
        case .pastePrompt(let redirectURI):
            "After you log in, the browser ends on a page that does not load (\(redirectURI)?code=…). "
                + "Copy that page's full address and paste it here:"
        case .pasteNotRecognized:
            "That is not the address the login ended on; paste the full address from the browser's address bar:"
        case .pasteFromAnotherAttempt:
            "That address belongs to another login attempt (an old browser tab?); log in with the URL above and "
                + "paste the address that login ends on:"
        case .deviceCode(let url, let code, let expiresIn):
            "Open \(url.absoluteString) in a browser and enter this code (it expires in \(Self.minutes(expiresIn))):"
                + "\n\n  \(code)\n"
        case .waitingForDeviceApproval:
            "Waiting for the login to be approved…"
        }
    }

    private static func minutes(_ duration: Duration) -> String {
        let seconds = duration.components.seconds
        if seconds >= 120 { return "\(seconds / 60) minutes" }
        return seconds == 1 ? "1 second" : "\(max(seconds, 0)) seconds"
    }
}
