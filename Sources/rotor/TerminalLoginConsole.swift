import RotorAuth

/// Shows login messages on stderr, keeping stdout for the result line.
struct TerminalLoginConsole: LoginConsole {
    func show(_ message: LoginMessage) {
        CommandOutput.printNotice(message.text)
    }
}
