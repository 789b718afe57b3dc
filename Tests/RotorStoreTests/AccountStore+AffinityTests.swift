import Foundation
import RotorCore
import RotorStore
import Testing

struct AccountStoreAffinityTests {
    let now = Date(timeIntervalSince1970: 1_000_000)

    /// A binding holds until its TTL passes, and a new binding replaces the old one.
    @Test(arguments: StoreKind.allCases)
    func bindingExpiresAfterTTL(kind: StoreKind) throws {
        try kind.withStore { store in
            let a = try store.saveLogin(TestLogin.make(email: "a@x.io")).account.id
            let b = try store.saveLogin(TestLogin.make(email: "b@x.io")).account.id
            try store.bindConversation("conv-1", to: a, now: now, ttl: .seconds(3_600))
            #expect(try store.boundAccount(forConversation: "conv-1", now: now.addingTimeInterval(3_599)) == a)
            #expect(try store.boundAccount(forConversation: "conv-1", now: now.addingTimeInterval(3_600)) == nil)
            #expect(try store.boundAccount(forConversation: "other", now: now) == nil)

            try store.bindConversation("conv-1", to: b, now: now.addingTimeInterval(10), ttl: .seconds(60))
            #expect(try store.boundAccount(forConversation: "conv-1", now: now.addingTimeInterval(20)) == b)
        }
    }

    /// Binding to an account that no longer exists is `account-not-found`.
    @Test(arguments: StoreKind.allCases)
    func bindingToUnknownAccountFails(kind: StoreKind) throws {
        try kind.withStore { store in
            let error = #expect(throws: StoreError.self) {
                try store.bindConversation("c", to: AccountID(UUID()), now: now, ttl: .seconds(1))
            }
            #expect(error?.code == .accountNotFound)
        }
    }
}
