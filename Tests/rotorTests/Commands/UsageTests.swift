import Foundation
import RotorCore
import RotorStore
import Testing

/// `rotor usage` over a real state directory.
struct UsageTests {
    /// The ledger's requests of the period, summed per account; a period out of range is refused in one line.
    @Test func sumsTheLedger() throws {
        let home = try RotorHome()
        defer { home.remove() }
        let store = try AccountStore(directory: StateDirectory(url: home.rotorHome))
        let id = try store.saveLogin(AccountLogin(
            email: "me@x.io", chatgptAccountID: "acct-1", plan: "plus",
            credentials: AccountCredentials(idToken: "id", accessToken: "at", refreshToken: "rt"),
            accessTokenExpiresAt: Date().addingTimeInterval(3600))).account.id
        var generator = SystemRandomNumberGenerator()
        for input in [100, 20] {
            try store.record([.tokensUsed(id, TokenCounts(inputTokens: input, cachedInputTokens: 0, outputTokens: 5,
                                                          reasoningTokens: 1, model: "gpt-5-codex"), at: Date())],
                             decisions: [], now: Date(),
                             affinity: .init(conversation: .seconds(60), turnState: .seconds(60)), using: &generator)
        }
        let text = try home.rotor("usage")
        #expect(text.status == 0)
        #expect(text.stdout.contains("me@x.io         2    120"), "\(text.stdout)")
        let json = try home.rotor("usage", "--by", "model", "--json")
        let document = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect((document?["total"] as? [String: Any])?["input_tokens"] as? Int == 120)
        #expect(((document?["rows"] as? [[String: Any]])?.first?["key"]) as? String == "gpt-5-codex")
        let refused = try home.rotor("usage", "--days", "0")
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("--days must be between 1 and 400."))
    }
}
