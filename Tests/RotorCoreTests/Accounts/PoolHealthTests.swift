import Foundation
import RotorCore
import Testing

struct PoolHealthTests {
    static let cooling = testAccount(2, cooldown: Cooldown(until: testNow.addingTimeInterval(60), reason: .rateLimit))
    static let usedUp = testAccount(
        3, usage: UsageSnapshot(primary: UsageWindow(usedPercent: 100, resetsAt: testNow.addingTimeInterval(600)),
                                observedAt: testNow))
    static let cooledDown = testAccount(4, cooldown: Cooldown(until: testNow, reason: .rateLimit))
    static let needsLogin = testAccount(5, status: .needsLogin(reason: "revoked"))
    static let disabled = testAccount(6, status: .disabled(reason: "by the user"))

    /// Each account counts once, under its state at `now` (an ended cooldown is ready, a used-up window cools).
    @Test func countsAccountsByTheirStateNow() {
        let health = PoolHealth(
            accounts: [testAccount(1), Self.cooling, Self.usedUp, Self.cooledDown, Self.needsLogin, Self.disabled],
            now: testNow)
        #expect((health.ready, health.cooling, health.needsLogin, health.disabled) == (2, 2, 1, 1))
    }

    @Test(arguments: [
        ("every account ready", [testAccount(1), testAccount(2)], PoolHealth.Status.healthy),
        ("disabled accounts do not count against the pool", [testAccount(1), Self.disabled], .healthy),
        ("one cooling", [testAccount(1), Self.cooling], .degraded),
        ("one with a used-up window", [testAccount(1), Self.usedUp], .degraded),
        ("one needs a login", [testAccount(1), Self.needsLogin], .degraded),
        ("none ready", [Self.cooling, Self.needsLogin], .unhealthy),
        ("only disabled accounts", [Self.disabled], .unhealthy),
        ("no accounts", [], .unhealthy),
    ])
    func status(_ name: String, accounts: [Account], expected: PoolHealth.Status) {
        #expect(PoolHealth(accounts: accounts, now: testNow).status == expected, "\(name)")
    }

    /// Under a policy with a reserve, an account at it counts as reserved: a pool with another ready account stays
    /// healthy; a pool of reserved accounts only is degraded when the policy spends reserves and unhealthy when it
    /// waits (every request would be answered 429).
    @Test func reservedAccountsUnderAPolicy() {
        let atReserve = testAccount(7, usage: UsageSnapshot(
            secondary: UsageWindow(usedPercent: 80, windowMinutes: 10_080, resetsAt: testNow.addingTimeInterval(86_400)),
            observedAt: testNow))
        let spend = RoutingPolicy(reserves: [.weekly: 30])
        let wait = RoutingPolicy(reserves: [.weekly: 30], whenAllReserved: .wait)
        let mixed = PoolHealth(accounts: [testAccount(1), atReserve], policy: spend, now: testNow)
        #expect((mixed.ready, mixed.reserved, mixed.status) == (1, 1, .healthy))
        #expect(PoolHealth(accounts: [atReserve], policy: spend, now: testNow).status == .degraded)
        #expect(PoolHealth(accounts: [atReserve], policy: wait, now: testNow).status == .unhealthy)
        #expect(PoolHealth(accounts: [atReserve], now: testNow).ready == 1, "without a reserve it is ready")
    }
}
