import ArgumentParser
import Foundation
import Logging
import RotorCore
import RotorLauncher
import RotorProxy
import RotorStore

extension Rotor {
    /// `rotor run [--account SELECTOR] [--profile codex|openai-env] [--] COMMAND [ARGS…]`: run a tool through a
    /// private rotation proxy and exit with its status.
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a command (usually codex) through a private rotation proxy.",
            discussion: """
                rotor starts the proxy on 127.0.0.1 with a fresh secret, runs COMMAND in this terminal pointed at \
                it, and exits with COMMAND's status (128+N if it died of signal N). Everything from COMMAND on goes \
                to COMMAND untouched. While it runs, rotor prints nothing; its log is <state dir>/logs/rotor.log.

                Profiles: codex (the default when COMMAND is codex) adds `-c` flags that select rotor's model \
                provider, with the secret in ROTOR_PROXY_SECRET; openai-env (the default otherwise) sets \
                OPENAI_BASE_URL and OPENAI_API_KEY.

                Examples:
                  rotor run -- codex                    Codex, rotating across your accounts.
                  rotor run codex exec "fix the tests"  Everything after codex goes to codex.
                  rotor run --account work -- codex     Only the account "work", no rotation.
                  rotor run -- python3 agent.py         An SDK script (openai-env profile).
                """
        )

        @Option(
            help: ArgumentHelp(
                "Send every request through this one account (no rotation): its label, its email, or at least 4 "
                    + "characters of its id.",
                valueName: "selector"
            )
        )
        var account: String?

        @Option(
            help: ArgumentHelp(
                "How COMMAND is pointed at the proxy: codex or openai-env. (default: codex when COMMAND is "
                    + "codex, else openai-env)"
            )
        )
        var profile: LaunchProfile?

        @Argument(parsing: .captureForPassthrough, help: "The command to run, then its arguments.")
        var command: [String] = []

        /// The child's command line: what follows rotor's own options and its optional `--`.
        var commandLine: [String] {
            command.first == "--" ? Array(command.dropFirst()) : command
        }

        func validate() throws {
            guard let executable = commandLine.first, !executable.isEmpty else {
                throw ValidationError("Missing the command to run, as in `rotor run -- codex`.")
            }
            // Capturing for passthrough also captures rotor's own help flag when it comes first.
            if command.first == "--help" || command.first == "-h" {
                throw CleanExit.helpRequest(self)
            }
            if command.first != "--", executable.hasPrefix("-") {
                throw ValidationError("Unknown option '\(executable)'. Put `--` before a command that starts with '-'.")
            }
        }

        func run() async throws {
            let status = try await Self.launch(
                commandLine: commandLine,
                account: account.map(AccountSelector.init),
                profile: profile,
                environment: ProcessInfo.processInfo.environment
            )
            throw ExitCode(status.code)
        }

        /// Refuses (with the child never started) unless the command exists, there are accounts and `account`
        /// names exactly one; then starts the proxy, runs the child through it, and returns how the child ended.
        ///
        /// Once the child runs, nothing is written to the terminal: logs go to the log file only, and an error of
        /// rotor's own surfaces (as one line, from the caller) after the child has stopped.
        static func launch(
            commandLine: [String],
            account: AccountSelector?,
            profile: LaunchProfile?,
            environment: [String: String]
        ) async throws -> ExitStatus {
            let executablePath = try CommandLookup(environment: environment).resolve(commandLine[0])
            let directory = StateDirectory.resolve(environment: environment)
            let store = try AccountStore(directory: directory)
            let accounts = try store.accounts()
            guard !accounts.isEmpty else {
                throw RunError.noAccounts
            }
            let pinnedAccount = try account?.match(in: accounts).id
            try RotorLogging.bootstrap(
                directory: directory,
                destination: .fileOnly,
                level: try RotorLogging.level(from: environment)
            )
            var configuration = try ProxyConfiguration.fromEnvironment(environment, secret: .generate())
            configuration.pinnedAccount = pinnedAccount
            configuration.routingPolicy = try .configured(environment: environment, accounts: accounts)
            let profile = profile ?? .inferred(forCommand: commandLine[0])
            let secret = configuration.secret.text
            return try await withRotationProxy(
                configuration,
                store: store,
                directory: directory,
                logger: Logger(label: "rotor")
            ) { endpoint in
                let child = profile.childCommand(
                    commandLine: commandLine,
                    executablePath: executablePath,
                    environment: environment,
                    proxy: ProxyAccess(baseURL: endpoint.baseURL, secret: secret)
                )
                return try await ForegroundChild.run(child)
            }
        }
    }
}

extension LaunchProfile: ExpressibleByArgument {}
