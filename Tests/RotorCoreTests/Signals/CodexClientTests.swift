import RotorCore
import Testing

struct CodexClientTests {
    /// rotor names itself as Codex does: its originator, and a user agent of Codex's form with rotor as terminal.
    @Test func namesItselfAsCodex() {
        #expect(CodexClient.originator == "codex_cli_rs")
        #expect(CodexClient.testedVersion == "0.163.0")
        #if os(Linux) && arch(x86_64)
        #expect(CodexClient.userAgent == "codex_cli_rs/0.163.0 (Linux; x86_64) rotor")
        #endif
        #expect(CodexClient.userAgent.hasPrefix("codex_cli_rs/0.163.0 ("))
        #expect(CodexClient.userAgent.hasSuffix(") rotor"))
    }
}
