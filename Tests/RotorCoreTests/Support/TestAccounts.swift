import Foundation
import RotorCore

/// A fixed clock reading for tests: 2026-01-01T00:00:00Z.
let testNow = Date(timeIntervalSince1970: 1_767_225_600)

/// A deterministic account id: the n-th test account.
func testID(_ n: Int) -> AccountID {
    let hex = String(n, radix: 16)
    let tail = String(repeating: "0", count: 12 - hex.count) + hex
    return AccountID("00000000-0000-4000-8000-\(tail)")!
}

/// A ready account numbered `n`, labelled `acct<n>`.
func testAccount(
    _ n: Int,
    status: AccountStatus = .ready,
    cooldown: Cooldown? = nil,
    consecutiveFailures: Int = 0,
    lastUsedAt: Date? = nil,
    usage: UsageSnapshot? = nil
) -> Account {
    Account(
        id: testID(n),
        label: "acct\(n)",
        email: "acct\(n)@example.com",
        chatgptAccountID: "chatgpt-\(n)",
        status: status,
        cooldown: cooldown,
        consecutiveFailures: consecutiveFailures,
        lastUsedAt: lastUsedAt,
        usage: usage,
        createdAt: testNow.addingTimeInterval(-86_400)
    )
}

/// UTF-8 bytes of a string literal, for bodies.
func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
