/// How rotor names itself where it talks to OpenAI's backend on its own behalf (a login, the usage endpoint): as
/// the Codex CLI does, since that backend serves Codex's clients.
public enum CodexClient {
    /// The Codex CLI version rotor is tested with.
    public static let testedVersion = "0.163.0"

    /// Codex's `originator` (a header on backend requests, a parameter of the browser login).
    public static let originator = "codex_cli_rs"

    /// A user agent in Codex's form, `<originator>/<version> (<system>; <architecture>) <terminal>`, with rotor in
    /// the terminal's place: `codex_cli_rs/0.163.0 (Linux; x86_64) rotor`.
    public static let userAgent = "\(originator)/\(testedVersion) (\(system); \(architecture)) rotor"

    private static var system: String {
        #if os(Linux)
        "Linux"
        #elseif os(macOS)
        "Mac OS"
        #else
        "Unknown"
        #endif
    }

    private static var architecture: String {
        #if arch(x86_64)
        "x86_64"
        #elseif arch(arm64)
        "arm64"
        #else
        "unknown"
        #endif
    }
}
