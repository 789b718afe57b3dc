import RotorLauncher
import Testing

@Suite struct LaunchProfileTests {
    static let proxy = ProxyAccess(baseURL: "http://127.0.0.1:43117/v1", secret: "rotor-secret-1234")
    static let rotorFlags = [
        "-c", "model_provider=rotor",
        "-c",
        #"model_providers.rotor={name="rotor", base_url="http://127.0.0.1:43117/v1", env_key="ROTOR_PROXY_SECRET", wire_api="responses"}"#,
    ]

    /// The profile follows the command's file name unless the user chose one.
    @Test(arguments: [
        ("codex", LaunchProfile.codex),
        ("/opt/bin/codex", .codex),
        ("./codex", .codex),
        ("codex-beta", .openaiEnv),
        ("python3", .openaiEnv),
        ("/usr/bin/env", .openaiEnv),
    ])
    func inferredProfile(command: String, expected: LaunchProfile) {
        #expect(LaunchProfile.inferred(forCommand: command) == expected)
    }

    /// Codex: rotor's `-c` flags go right after the executable, before any user argument; the user's
    /// subcommands, `--`, flag-like prompts and their own `-c` flags follow untouched.
    @Test(arguments: [
        ["codex"],
        ["codex", "exec", "--skip-git-repo-check", "say hi"],
        ["codex", "exec", "resume", "--last", "continue"],
        ["codex", "--", "--help is a prompt"],
        ["codex", "-c", "model=gpt-5.5", "exec", "--", "-c model_provider=openai"],
        ["codex", "review", "--help"],
        ["codex", "mcp", "list"],
        ["/opt/codex/bin/codex", "-m", "o3", "--foo"],
    ])
    func codexArgumentsAtRootPosition(commandLine: [String]) {
        let child = LaunchProfile.codex.childCommand(
            commandLine: commandLine, executablePath: "/resolved/codex", environment: [:], proxy: Self.proxy
        )
        #expect(child.executablePath == "/resolved/codex")
        #expect(child.arguments == [commandLine[0]] + Self.rotorFlags + commandLine.dropFirst())
        #expect(child.environment == ["ROTOR_PROXY_SECRET": "rotor-secret-1234"])
    }

    /// openai-env: arguments untouched; OPENAI_BASE_URL and OPENAI_API_KEY (= the secret) are set, replacing the
    /// user's; everything else in the environment stays.
    @Test func openAIEnvironment() {
        let environment = ["PATH": "/usr/bin", "OPENAI_API_KEY": "sk-user", "HOME": "/home/u"]
        let child = LaunchProfile.openaiEnv.childCommand(
            commandLine: ["python3", "script.py", "--", "-x"], executablePath: "/usr/bin/python3",
            environment: environment, proxy: Self.proxy
        )
        #expect(child.arguments == ["python3", "script.py", "--", "-x"])
        #expect(
            child.environment == [
                "PATH": "/usr/bin", "HOME": "/home/u",
                "OPENAI_BASE_URL": "http://127.0.0.1:43117/v1", "OPENAI_API_KEY": "rotor-secret-1234",
            ]
        )
    }

    /// The secret is in the environment only: never in an argument, in either profile.
    @Test(arguments: LaunchProfile.allCases)
    func secretNeverInArguments(profile: LaunchProfile) {
        let child = profile.childCommand(
            commandLine: ["codex", "exec", "hi"], executablePath: "/bin/codex", environment: ["HOME": "/h"],
            proxy: Self.proxy
        )
        #expect(!child.arguments.contains { $0.contains(Self.proxy.secret) })
        #expect(child.environment.values.filter { $0 == Self.proxy.secret }.count == 1)
        #expect(!String(describing: Self.proxy).contains(Self.proxy.secret))
    }

    /// The codex profile keeps the user's environment (CODEX_HOME included) and adds only the secret variable.
    @Test func codexKeepsEnvironment() {
        let environment = ["CODEX_HOME": "/home/u/.codex", "TERM": "xterm-256color"]
        let child = LaunchProfile.codex.childCommand(
            commandLine: ["codex"], executablePath: "/bin/codex", environment: environment, proxy: Self.proxy
        )
        #expect(child.environment == environment.merging(["ROTOR_PROXY_SECRET": "rotor-secret-1234"]) { $1 })
    }

    /// Profile names on the command line.
    @Test func rawValues() {
        #expect(LaunchProfile(rawValue: "codex") == .codex)
        #expect(LaunchProfile(rawValue: "openai-env") == .openaiEnv)
    }
}
