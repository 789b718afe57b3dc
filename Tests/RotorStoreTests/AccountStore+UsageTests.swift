import Foundation
import RotorCore
import RotorTestSupport
import Testing

import RotorStore

/// The usage ledger: one entry per completed request, kept 400 days, apart from the decision log.
struct AccountStoreUsageTests {
    private let now = Date(timeIntervalSince1970: 1_767_225_600)
    private let affinity = AccountStore.AffinityLifetimes(conversation: .seconds(60), turnState: .seconds(60))

    /// A request's tokens land in the ledger with the commit; entries older than 400 days go.
    @Test(arguments: StoreKind.allCases)
    func recordsAndKeepsFourHundredDays(kind: StoreKind) throws {
        try kind.withStore { store in
            let id = try store.saveLogin(TestLogin.make(email: "a@example.com")).account.id
            var generator = SeededGenerator(seed: 1)
            let old = TokenCounts(inputTokens: 1, cachedInputTokens: 0, outputTokens: 1, model: "gpt-old")
            let recent = TokenCounts(inputTokens: 120, cachedInputTokens: 100, outputTokens: 30, reasoningTokens: 12,
                                     model: "gpt-5-codex")
            let past = now.addingTimeInterval(-401 * 86_400)
            try store.record([.tokensUsed(id, old, at: past)], decisions: [], now: past, affinity: affinity,
                             using: &generator)
            #expect(try store.ledger(since: .distantPast).count == 1)
            try store.record([.tokensUsed(id, recent, at: now)], decisions: [], now: now, affinity: affinity,
                             using: &generator)
            #expect(try store.ledger(since: .distantPast) == [
                AccountStore.LedgerEntry(time: now, accountID: id, model: "gpt-5-codex", tokens: recent),
            ])
            #expect(try store.ledger(since: now.addingTimeInterval(1)).isEmpty)
        }
    }
}
