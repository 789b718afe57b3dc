import Foundation
import RotorCore
import Testing

struct RoutingPolicyChangeTests {
    static let work = AccountID("0a1b2c3d-0000-4000-8000-000000000001")!
    static let home = AccountID("0a1b9999-0000-4000-8000-000000000002")!
    static func label(_ id: AccountID) -> String { id == work ? "work" : "home" }

    static func sentences(_ old: RoutingPolicy, _ new: RoutingPolicy) -> [String] {
        RoutingPolicyChange.changes(from: old, to: new, label: label).map(\.description)
    }

    @Test func equalPoliciesHaveNoChange() {
        #expect(Self.sentences(.default, .default).isEmpty)
        let stated = RoutingPolicy(reserves: [.weekly: 0], priorities: [Self.work: 1])
        #expect(Self.sentences(.default, stated).isEmpty)
    }

    @Test func eachChangeIsOneSentenceInAStableOrder() {
        let new = RoutingPolicy(
            strategy: .resetFirst, reserves: [.weekly: 30, .fiveHours: 12.5],
            accountReserves: [Self.work: [.weekly: 50]], priorities: [Self.work: 2, Self.home: 0],
            whenAllReserved: .wait)
        #expect(Self.sentences(.default, new) == [
            "strategy: headroom → reset-first",
            "reserve 5h: 0% → 12.5%",
            "reserve weekly: 0% → 30%",
            "when-all-reserved: use-reserve → wait",
            "home priority: 1 → 0",
            "work priority: 1 → 2",
            "work reserve weekly: 0% → 50%",
        ])
        #expect(Self.sentences(new, .default) == [
            "strategy: reset-first → headroom",
            "reserve 5h: 12.5% → 0%",
            "reserve weekly: 30% → 0%",
            "when-all-reserved: wait → use-reserve",
            "home priority: 0 → 1",
            "work priority: 2 → 1",
            "work reserve weekly: 50% → 0%",
        ])
    }

    /// An account's reserve reads as the account keeps it: its own, else the pool's.
    @Test func anAccountsReserveIsComparedAsItKeepsIt() {
        let pool = RoutingPolicy(reserves: [.weekly: 20])
        let own = RoutingPolicy(reserves: [.weekly: 20], accountReserves: [Self.work: [.weekly: 20, .fiveHours: 5]])
        #expect(Self.sentences(pool, own) == ["work reserve 5h: 0% → 5%"])
    }
}
