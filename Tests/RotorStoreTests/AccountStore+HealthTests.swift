import Foundation
import RotorCore
import RotorStore
import Testing

struct AccountStoreHealthTests {
    let now = Date(timeIntervalSince1970: 1_000_000)

    /// A shorter cooldown never shortens a stored later one; the stored one is returned and kept.
    @Test(arguments: StoreKind.allCases)
    func mergingCooldownNeverShortens(kind: StoreKind) throws {
        try kind.withStore { store in
            let id = try store.saveLogin(TestLogin.make(email: "a@x.io")).account.id
            let long = Cooldown(until: now.addingTimeInterval(3_600), reason: .usageLimit)
            let short = Cooldown(until: now.addingTimeInterval(60), reason: .rateLimit)
            #expect(try store.recordCooldown(long, consecutiveFailures: 1, for: id, now: now) == long)
            #expect(try store.recordCooldown(short, consecutiveFailures: 2, for: id, now: now) == long)
            let account = try #require(try store.account(id))
            #expect(account.cooldown == long)
            #expect(account.consecutiveFailures == 2)
        }
    }

    /// A later cooldown replaces an earlier one, and an expired one no longer counts.
    @Test(arguments: StoreKind.allCases)
    func laterOrAfterExpiryReplaces(kind: StoreKind) throws {
        try kind.withStore { store in
            let id = try store.saveLogin(TestLogin.make(email: "a@x.io")).account.id
            let first = Cooldown(until: now.addingTimeInterval(60), reason: .rateLimit)
            let later = Cooldown(until: now.addingTimeInterval(600), reason: .usageLimit)
            try store.recordCooldown(first, consecutiveFailures: 1, for: id, now: now)
            #expect(try store.recordCooldown(later, consecutiveFailures: 1, for: id, now: now) == later)

            let afterExpiry = now.addingTimeInterval(700)
            let shortAfterExpiry = Cooldown(until: afterExpiry.addingTimeInterval(5), reason: .overloaded)
            #expect(try store.recordCooldown(shortAfterExpiry, consecutiveFailures: 3, for: id, now: afterExpiry)
                == shortAfterExpiry)
        }
    }

    /// Reset clears cooldowns, failures and usage of the named accounts only; `nil` clears every account.
    @Test(arguments: StoreKind.allCases)
    func clearCooldowns(kind: StoreKind) throws {
        try kind.withStore { store in
            let a = try store.saveLogin(TestLogin.make(email: "a@x.io")).account.id
            let b = try store.saveLogin(TestLogin.make(email: "b@x.io")).account.id
            for id in [a, b] {
                try store.recordCooldown(
                    Cooldown(until: now.addingTimeInterval(600), reason: .usageLimit),
                    consecutiveFailures: 4, for: id, now: now
                )
                try store.recordUsage(
                    UsageSnapshot(primary: UsageWindow(usedPercent: 100), observedAt: now), for: id
                )
            }
            try store.clearCooldowns([a])
            let cleared = try #require(try store.account(a))
            #expect(cleared.cooldown == nil && cleared.consecutiveFailures == 0 && cleared.usage == nil)
            #expect(try store.account(b)?.cooldown != nil)

            try store.clearCooldowns(nil)
            let all = try store.accounts()
            #expect(all.allSatisfy { $0.cooldown == nil && $0.consecutiveFailures == 0 && $0.usage == nil })
        }
    }

    /// Success resets consecutive failures and records when the account was last used.
    @Test(arguments: StoreKind.allCases)
    func recordSuccess(kind: StoreKind) throws {
        try kind.withStore { store in
            let id = try store.saveLogin(TestLogin.make(email: "a@x.io")).account.id
            try store.recordCooldown(
                Cooldown(until: now.addingTimeInterval(1), reason: .network), consecutiveFailures: 3, for: id, now: now
            )
            try store.recordSuccess(for: id, at: now.addingTimeInterval(5))
            let account = try #require(try store.account(id))
            #expect(account.consecutiveFailures == 0)
            #expect(account.lastUsedAt == now.addingTimeInterval(5))
            let missing = #expect(throws: StoreError.self) { try store.recordSuccess(for: AccountID(UUID()), at: now) }
            #expect(missing?.code == .accountNotFound)
        }
    }

    /// A snapshot observed before the stored one does not overwrite it.
    @Test(arguments: StoreKind.allCases)
    func olderUsageSnapshotIsIgnored(kind: StoreKind) throws {
        try kind.withStore { store in
            let id = try store.saveLogin(TestLogin.make(email: "a@x.io")).account.id
            let newer = UsageSnapshot(
                primary: UsageWindow(usedPercent: 40, windowMinutes: 300, resetsAt: now.addingTimeInterval(900)),
                secondary: UsageWindow(usedPercent: 10, windowMinutes: 10_080),
                observedAt: now
            )
            let older = UsageSnapshot(primary: UsageWindow(usedPercent: 20), observedAt: now.addingTimeInterval(-1))
            try store.recordUsage(newer, for: id)
            try store.recordUsage(older, for: id)
            #expect(try store.account(id)?.usage == newer)
        }
    }
}
