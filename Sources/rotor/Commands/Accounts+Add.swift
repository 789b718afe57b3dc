import ArgumentParser
import AsyncHTTPClient
import Foundation
import Logging
import RotorAuth
import RotorStore

extension Rotor.Accounts {
    /// `rotor accounts add`: logs in a ChatGPT account and stores it.
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Log in a ChatGPT account and add it to the rotation.",
            discussion: """
                By default rotor prints the login URL, opens it in your browser when there is a display, and waits \
                for the browser to come back to http://localhost:1455 (or 1457). Logging in an account that is \
                already stored updates its tokens. ROTOR_LOGIN_TIMEOUT sets how many seconds to wait (default 300).

                Examples:
                  rotor accounts add                Log in in the browser.
                  rotor accounts add --label work   Log in and name the account "work".
                  rotor accounts add --device       Enter a one-time code on any device (SSH).
                  rotor accounts add --no-browser   Paste the address the login ends on.
                """
        )

        @Option(help: "A name for the account (default: its email).")
        var label: String?

        @Flag(help: "How to log in (default: in the browser).")
        var method: LoginMethod = .browser

        func run() async throws {
            let environment = ProcessInfo.processInfo.environment
            let issuer = try OAuthIssuer.validated(environment: environment)
            let settings = try LoginSettings.fromEnvironment(environment)
            let store = try AccountStore(directory: StateDirectory.resolve(environment: environment))
            let logger = Logger(label: "rotor.login")
            let console = TerminalLoginConsole()
            var rng = SystemRandomNumberGenerator()

            let tokens = try await HTTPClient.withHTTPClient(configuration: .oauth) { client in
                switch method {
                case .browser:
                    try await BrowserLogin(
                        issuer: issuer,
                        httpClient: client,
                        logger: logger,
                        settings: settings,
                        opener: BrowserOpener.fromEnvironment(environment)
                    ).run(console: console, input: StandardInputLines(), using: &rng)
                case .noBrowser:
                    try await PasteLogin(issuer: issuer, httpClient: client, logger: logger, settings: settings)
                        .run(console: console, input: StandardInputLines(), using: &rng)
                case .device:
                    try await DeviceCodeLogin(issuer: issuer, httpClient: client, logger: logger, settings: settings)
                        .run(console: console, now: Date(), using: &rng)
                }
            }
            let outcome = try LoginCompletion.save(tokens, label: label, in: store, now: Date()) { email in
                Import.refreshWaitNotice(email: email)
            }
            print(Import.report(outcome))
        }
    }

    /// The ways `rotor accounts add` can log in; one flag each, mutually exclusive.
    enum LoginMethod: String, EnumerableFlag {
        case browser
        case noBrowser
        case device

        static func help(for value: LoginMethod) -> ArgumentHelp? {
            switch value {
            case .browser: "Log in in a browser that returns to rotor on localhost."
            case .noBrowser: "Do not wait for the browser; paste the address the login ends on."
            case .device: "Log in by entering a one-time code on any device."
            }
        }
    }
}
