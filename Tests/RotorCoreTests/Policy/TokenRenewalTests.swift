import Foundation
import RotorCore
import Testing

struct TokenRenewalTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func account(_ index: Int, status: AccountStatus = .ready, expiresIn: TimeInterval?,
                        cooling: Bool = false) -> Account {
        Account(
            id: AccountID(UUID(uuidString: String(format: "%08X-0000-4000-8000-000000000000", index))!),
            label: "a\(index)", email: "a\(index)@example.com", chatgptAccountID: "acct-\(index)",
            status: status,
            cooldown: cooling ? Cooldown(until: now.addingTimeInterval(3600), reason: .usageLimit) : nil,
            accessTokenExpiresAt: expiresIn.map { now.addingTimeInterval($0) },
            createdAt: now
        )
    }

    /// Tokens expiring within five minutes are due, cooling accounts included; later, unknown, and accounts only the
    /// user can bring back are not.
    @Test func dueAccounts() {
        let accounts = [
            Self.account(1, expiresIn: 60),
            Self.account(2, expiresIn: 60, cooling: true),
            Self.account(3, expiresIn: -10),
            Self.account(4, expiresIn: 301),
            Self.account(5, expiresIn: nil),
            Self.account(6, status: .needsLogin(reason: "reused"), expiresIn: 60),
            Self.account(7, status: .disabled(reason: "user"), expiresIn: 60),
            Self.account(8, expiresIn: 300),
        ]
        let due = TokenRenewal.due(in: accounts, now: Self.now)
        #expect(due == [accounts[0].id, accounts[1].id, accounts[2].id, accounts[7].id])
    }
}

/// What the renewal loop records after each renewal.
struct TokenRenewalEffectsTests {
    /// Only a refused login changes the account: it needs a login, compared with the refused token.
    @Test func onlyARefusedLoginIsRecorded() {
        let refused = RefusedRefreshToken("rt-dead")
        #expect(TokenRenewal.effects(for: testID(1), after: .renewed).isEmpty)
        #expect(TokenRenewal.effects(for: testID(1), after: .failed(reason: "timeout")).isEmpty)
        #expect(TokenRenewal.effects(for: testID(1), after: .refused(reason: "refresh_token_reused", refused: refused))
            == [.loginRefused(testID(1), reason: "refresh_token_reused", refused: refused)])
    }
}
