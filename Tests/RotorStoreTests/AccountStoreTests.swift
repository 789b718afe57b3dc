import Foundation
import RotorCore
import RotorStore
import RotorTestSupport
import Testing

struct AccountStoreTests {
    /// A new identity is added with the email as label; the same identity again updates its tokens, never a duplicate.
    @Test(arguments: StoreKind.allCases)
    func saveLoginAddsThenUpdates(kind: StoreKind) throws {
        try kind.withStore { store in
            let added = try store.saveLogin(TestLogin.make(email: "a@example.com", refreshToken: "rt-old"))
            guard case .added(let account) = added else { Issue.record("expected added, got \(added)"); return }
            #expect(account.label == "a@example.com")
            #expect(account.plan == "plus")
            #expect(account.status == .ready)

            let again = TestLogin.make(email: "A@Example.com", plan: "pro", refreshToken: "rt-new")
            let updated = try store.saveLogin(again)
            #expect(updated == .updated(try #require(try store.account(account.id))))
            #expect(updated.account.id == account.id)
            #expect(updated.account.plan == "pro")
            #expect(try store.accounts().count == 1)
            #expect(try store.credentials(for: account.id)?.refreshToken == "rt-new")
        }
    }

    /// Two people in one Team workspace share the account id; the second default label names the id.
    @Test(arguments: StoreKind.allCases)
    func sameEmailOtherWorkspaceGetsQualifiedLabel(kind: StoreKind) throws {
        try kind.withStore { store in
            _ = try store.saveLogin(TestLogin.make(email: "a@example.com", chatgptAccountID: "11111111-aaaa"))
            let second = try store.saveLogin(TestLogin.make(email: "a@example.com", chatgptAccountID: "22222222-bbbb"))
            let third = try store.saveLogin(TestLogin.make(email: "b@example.com", chatgptAccountID: "11111111-aaaa"))
            #expect(second == .added(second.account))
            #expect(second.account.label == "a@example.com (22222222)")
            #expect(third.account.label == "b@example.com")
            #expect(try store.accounts().map(\.label) == ["a@example.com", "a@example.com (22222222)", "b@example.com"])
        }
    }

    /// An explicit label is used; one already held by another account is refused, naming the holder.
    @Test(arguments: StoreKind.allCases)
    func explicitLabelMustBeFree(kind: StoreKind) throws {
        try kind.withStore { store in
            let first = try store.saveLogin(TestLogin.make(email: "a@example.com", label: "work"))
            #expect(first.account.label == "work")
            let error = #expect(throws: StoreError.self) {
                try store.saveLogin(TestLogin.make(email: "b@example.com", label: "work"))
            }
            #expect(error?.code == .labelInUse)
            #expect(error?.description.contains(first.account.id.shortID) == true)
            #expect(try store.accounts().count == 1)
        }
    }

    /// Accounts come back oldest first with status, cooldown and usage; tokens stay out of `Account`.
    @Test(arguments: StoreKind.allCases)
    func accountsAreOldestFirstWithUsage(kind: StoreKind) throws {
        try kind.withStore { store in
            let ids = try ["c@x.io", "a@x.io", "b@x.io"].map {
                try store.saveLogin(TestLogin.make(email: $0)).account.id
            }
            let snapshot = UsageSnapshot(
                primary: UsageWindow(
                    usedPercent: 99.6, windowMinutes: 300, resetsAt: Date(timeIntervalSince1970: 1_000)
                ),
                observedAt: Date(timeIntervalSince1970: 500)
            )
            try store.recordUsage(snapshot, for: ids[1])
            let accounts = try store.accounts()
            #expect(accounts.map(\.id) == ids)
            #expect(accounts[1].usage == snapshot)
            #expect(accounts[0].usage == nil)
        }
    }

    /// Rename changes the label; a label in use is refused naming its holder; an unknown id is `account-not-found`.
    @Test(arguments: StoreKind.allCases)
    func rename(kind: StoreKind) throws {
        try kind.withStore { store in
            let a = try store.saveLogin(TestLogin.make(email: "a@x.io")).account
            let b = try store.saveLogin(TestLogin.make(email: "b@x.io")).account
            try store.rename(a.id, to: "  personal ")
            #expect(try store.account(a.id)?.label == "personal")
            try store.rename(a.id, to: "personal")

            let inUse = #expect(throws: StoreError.self) { try store.rename(b.id, to: "personal") }
            #expect(inUse?.code == .labelInUse)
            #expect(inUse?.description.contains("a@x.io") == true)
            let empty = #expect(throws: StoreError.self) { try store.rename(b.id, to: "  ") }
            #expect(empty?.code == .invalidLabel)
            let missing = #expect(throws: StoreError.self) { try store.rename(AccountID(UUID()), to: "x") }
            #expect(missing?.code == .accountNotFound)
            #expect(try store.account(b.id)?.label == "b@x.io")
        }
    }

    /// Remove deletes the account and everything hanging off it; removing it twice is `account-not-found`.
    @Test(arguments: StoreKind.allCases)
    func removeCascades(kind: StoreKind) throws {
        try kind.withStore { store in
            let now = Date(timeIntervalSince1970: 10_000)
            let a = try store.saveLogin(TestLogin.make(email: "a@x.io")).account
            try store.recordUsage(UsageSnapshot(observedAt: now), for: a.id)
            try store.bindConversation("conv", to: a.id, now: now, ttl: .seconds(60))
            try store.remove(a.id)
            #expect(try store.accounts().isEmpty)
            #expect(try store.credentials(for: a.id) == nil)
            #expect(try store.boundAccount(forConversation: "conv", now: now) == nil)
            let error = #expect(throws: StoreError.self) { try store.remove(a.id) }
            #expect(error?.code == .accountNotFound)
            #expect(error?.exitCode == ExitStatusCode.noUser)
        }
    }

    /// Status round-trips with its reason; a new login for a `needs-login` account makes it `ready` again.
    @Test(arguments: StoreKind.allCases)
    func statusRoundTripsAndLoginClearsNeedsLogin(kind: StoreKind) throws {
        try kind.withStore { store in
            let a = try store.saveLogin(TestLogin.make(email: "a@x.io")).account
            try store.setStatus(.disabled(reason: "by user"), for: a.id)
            #expect(try store.account(a.id)?.status == .disabled(reason: "by user"))
            try store.setStatus(.needsLogin(reason: "refresh_token_reused"), for: a.id)
            #expect(try store.account(a.id)?.status == .needsLogin(reason: "refresh_token_reused"))
            _ = try store.saveLogin(TestLogin.make(email: "a@x.io", refreshToken: "rt-fresh"))
            #expect(try store.account(a.id)?.status == .ready)
            let missing = #expect(throws: StoreError.self) { try store.setStatus(.ready, for: AccountID(UUID())) }
            #expect(missing?.code == .accountNotFound)
        }
    }

    /// Refreshed tokens replace the stored ones with their expiry.
    @Test(arguments: StoreKind.allCases)
    func storeRefreshedCredentials(kind: StoreKind) throws {
        try kind.withStore { store in
            let a = try store.saveLogin(TestLogin.make(email: "a@x.io")).account
            let fresh = AccountCredentials(
                idToken: "id2", accessToken: "at2", refreshToken: "rt2", lastRefresh: Date(timeIntervalSince1970: 42)
            )
            let expiry = Date(timeIntervalSince1970: 3_000_000_000)
            let spent = try #require(try store.credentials(for: a.id)).refreshToken
            #expect(try store.storeRefreshedCredentials(
                fresh, accessTokenExpiresAt: expiry, for: a.id, replacingRefreshToken: spent))
            #expect(try store.credentials(for: a.id) == fresh)
            #expect(try store.account(a.id)?.accessTokenExpiresAt == expiry)
        }
    }

    /// A refresh whose read login was replaced meanwhile (a re-login) writes nothing, and cannot mark the new login
    /// `needs-login` either.
    @Test(arguments: StoreKind.allCases)
    func refreshedCredentialsNeverReplaceALoginStoredMeanwhile(kind: StoreKind) throws {
        try kind.withStore { store in
            let a = try store.saveLogin(TestLogin.make(email: "a@x.io")).account
            let relogin = try #require(try store.credentials(for: a.id))
            let late = AccountCredentials(idToken: "id2", accessToken: "at2", refreshToken: "rt-late")
            #expect(try !store.storeRefreshedCredentials(
                late, accessTokenExpiresAt: nil, for: a.id, replacingRefreshToken: "rt-read-before"))
            try markNeedsLogin(a.id, refused: "rt-read-before", in: store)
            #expect(try store.credentials(for: a.id) == relogin)
            #expect(try store.account(a.id)?.status == .ready)
            try markNeedsLogin(a.id, refused: relogin.refreshToken, in: store)
            #expect(try store.account(a.id)?.status == .needsLogin(reason: "reused"))
        }
    }

    /// Records routing's "the issuer refused this refresh token" as the proxy does.
    private func markNeedsLogin(_ id: AccountID, refused: String, in store: AccountStore) throws {
        var generator = SeededGenerator(seed: 1)
        try store.record([.loginRefused(id, reason: "reused", refused: RefusedRefreshToken(refused))], decisions: [],
                         now: Date(), affinity: .init(conversation: .seconds(1), turnState: .seconds(1)),
                         using: &generator)
    }
}
