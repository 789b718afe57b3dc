/// The Codex CLI arguments that point Codex at the rotation proxy: Codex reads provider settings from `-c` flags
/// at root position, before any subcommand.
///
/// Codex reads `-c key=value` overrides placed at root position, before any subcommand, so rotor inserts them right
/// after the executable and never has to understand the user's own arguments (`--`, subcommands, prompts that look
/// like flags). The provider is always named ``providerName``: Codex tags sessions with the provider, so a stable
/// name keeps sessions created through rotor resumable through rotor. The user's `CODEX_HOME` and `config.toml`
/// are never touched.
public enum CodexInvocation {
    /// The model provider name rotor defines for Codex; it never changes between runs.
    public static let providerName = "rotor"

    /// The environment variable that carries the per-run proxy secret to Codex (the provider's `env_key`).
    public static let secretVariable = "ROTOR_PROXY_SECRET"

    /// The root-position arguments that select rotor's provider at `baseURL`.
    public static func configurationArguments(baseURL: String) -> [String] {
        let provider = [
            "name=\(tomlString(providerName))",
            "base_url=\(tomlString(baseURL))",
            "env_key=\(tomlString(secretVariable))",
            "wire_api=\(tomlString("responses"))",
        ]
        return [
            "-c", "model_provider=\(providerName)",
            "-c", "model_providers.\(providerName)={\(provider.joined(separator: ", "))}",
        ]
    }

    /// `commandLine` (executable first) with rotor's arguments inserted right after the executable.
    public static func arguments(_ commandLine: [String], baseURL: String) -> [String] {
        guard let executable = commandLine.first else {
            return commandLine
        }
        return [executable] + configurationArguments(baseURL: baseURL) + commandLine.dropFirst()
    }

    /// A TOML basic string.
    private static func tomlString(_ value: String) -> String {
        var quoted = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case _ where scalar.value < 0x20 || scalar.value == 0x7f:
                let hex = String(scalar.value, radix: 16, uppercase: true)
                quoted += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: quoted.unicodeScalars.append(scalar)
            }
        }
        return quoted + "\""
    }
}
