import Foundation
import RotorCore
import Testing

/// A policy's canonical form and version: what a decision record carries to name the policy that made it.
struct RoutingPolicyVersionTests {
    @Test func defaultPolicy() {
        #expect(RoutingPolicy.default.canonicalJSON
            == #"{"accounts":{},"reserve":{},"strategy":"headroom","when-all-reserved":"use-reserve"}"#)
        // printf '%s' '<the form above>' | sha256sum | cut -c1-8
        #expect(RoutingPolicy.default.version == "f878c718")
    }

    /// Keys sorted, defaults left out: spelling out a default does not change the version.
    @Test func defaultsLeftOut() {
        let spelled = RoutingPolicy(reserves: [.fiveHours: 0, .weekly: 0], accountReserves: [testID(1): [.weekly: 0]],
                                    priorities: [testID(2): 1])
        #expect(spelled.canonicalJSON == RoutingPolicy.default.canonicalJSON)
        #expect(spelled.version == RoutingPolicy.default.version)
    }

    @Test func everyMember() {
        let policy = RoutingPolicy(strategy: .resetFirst, reserves: [.weekly: 30, .fiveHours: 12.5],
                                   accountReserves: [testID(1): [.weekly: 10]], priorities: [testID(1): 2, testID(2): 3],
                                   whenAllReserved: .wait)
        #expect(policy.canonicalJSON == #"{"accounts":{"\#(testID(1))":{"priority":2,"reserve":{"weekly":10}},"#
            + #""\#(testID(2))":{"priority":3}},"reserve":{"5h":12.5,"weekly":30},"strategy":"reset-first","#
            + #""when-all-reserved":"wait"}"#)
        #expect(policy.version != RoutingPolicy.default.version)
        var changed = policy
        changed.strategy = .drain
        #expect(changed.version != policy.version)
    }

    /// An account's own reserve of 0 under a pool reserve exempts it: that routes differently, so it has a version
    /// of its own; an account's reserve equal to the pool's changes nothing.
    @Test func anAccountsExemptionCounts() {
        let pool = RoutingPolicy(reserves: [.weekly: 30])
        let exempt = RoutingPolicy(reserves: [.weekly: 30], accountReserves: [testID(1): [.weekly: 0]])
        let same = RoutingPolicy(reserves: [.weekly: 30], accountReserves: [testID(1): [.weekly: 30]])
        #expect(exempt.version != pool.version)
        #expect(exempt.canonicalJSON.contains(#""reserve":{"weekly":0}"#))
        #expect(same.version == pool.version)
    }
}
