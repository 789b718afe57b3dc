/// How the child is pointed at the rotation proxy.
public enum LaunchProfile: String, CaseIterable, Hashable, Sendable {
    /// The Codex CLI: root-position `-c` overrides select rotor's provider (see ``CodexInvocation``), and the
    /// secret travels in `ROTOR_PROXY_SECRET`.
    case codex
    /// Any OpenAI-style tool or SDK script: `OPENAI_BASE_URL` and `OPENAI_API_KEY` (= the secret) in its
    /// environment, arguments untouched.
    case openaiEnv = "openai-env"

    /// The environment variable that carries the proxy's base URL in the `openai-env` profile.
    public static let baseURLVariable = "OPENAI_BASE_URL"
    /// The environment variable that carries the secret in the `openai-env` profile.
    public static let apiKeyVariable = "OPENAI_API_KEY"

    /// The profile for a command the user did not choose one for: `codex` when the command's file name is
    /// `codex`, else `openai-env`.
    public static func inferred(forCommand command: String) -> LaunchProfile {
        let name = command.split(separator: "/", omittingEmptySubsequences: false).last ?? ""
        return name == "codex" ? .codex : .openaiEnv
    }

    /// The child to start for `commandLine` (the command as the user typed it, then its arguments), found at
    /// `executablePath`, in rotor's `environment`, pointed at `proxy`.
    ///
    /// The user's arguments are passed through untouched (the `codex` profile only inserts its overrides right
    /// after the executable). The secret goes into the environment only, never into the arguments, and it is the
    /// only secret rotor adds there.
    public func childCommand(
        commandLine: [String],
        executablePath: String,
        environment: [String: String],
        proxy: ProxyAccess
    ) -> ChildCommand {
        var childEnvironment = environment
        let arguments: [String]
        switch self {
        case .codex:
            arguments = CodexInvocation.arguments(commandLine, baseURL: proxy.baseURL)
            childEnvironment[CodexInvocation.secretVariable] = proxy.secret
        case .openaiEnv:
            arguments = commandLine
            childEnvironment[Self.baseURLVariable] = proxy.baseURL
            childEnvironment[Self.apiKeyVariable] = proxy.secret
        }
        return ChildCommand(executablePath: executablePath, arguments: arguments, environment: childEnvironment)
    }
}
