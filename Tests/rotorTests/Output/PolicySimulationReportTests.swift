import Foundation
import RotorCore
import Testing

@testable import rotor

/// `rotor policy simulate`'s table and JSON for a replay whose figures are computed by hand in
/// PolicySimulationTests (two accounts, 40 % of the 5h window a request).
struct PolicySimulationReportTests {
    static let now = Date(timeIntervalSince1970: 1_767_225_600 + 7_200)
    static let utc = TimeZone(identifier: "UTC")!
    static let ids = [1, 2].map { AccountID("00000000-0000-4000-8000-00000000000\($0)")! }

    static func minutes(_ count: Double) -> Date { now.addingTimeInterval((count - 120) * 60) }

    static let traffic = RecordedTraffic(
        simulation: PolicySimulation(
            accounts: ids.enumerated().map { index, id in
                PolicySimulation.SimulatedAccount(
                    id: id, label: "acct\(index + 1)", plan: "plus",
                    windows: [.init(name: .fiveHours, usedPercent: 0, resets: [minutes(index == 0 ? 60 : 300)],
                                    costPerRequest: 40)])
            },
            requests: [1, 2, 3, 4, 5, 6, 7, 61].map(minutes), start: minutes(0), end: now),
        requestedDays: 7, isClipped: true)
    static let inForce = RoutingPolicy.default
    /// drain, and acct2 last: acct1 serves until it is exhausted, as drain alone would.
    static let candidate = RoutingPolicy(strategy: .drain, priorities: [ids[1]: 2])

    /// acct1's 5h window resets at 60m (0 % unused, it was exhausted); acct2's at 300m, after the end (120m): no
    /// reset in the span, so "no reset" rather than 0 %.
    @Test func sideBySide() {
        let report = PolicySimulationReport(traffic: Self.traffic, inForce: Self.inForce, candidate: Self.candidate)
        #expect(report.text(now: Self.now, timeZone: Self.utc) == """
            Replayed 8 served requests of 00:00 to 02:00 (0.1 days) over 2 accounts.
            The history holds 0.1 days from 00:00 on, less than the 7 asked: simulating those.
            Cost of a request, estimated from the usage history: plus: 5h 40%

                                     in force     candidate
            strategy                 headroom     drain
            reserves                 none         none
            when all reserved        use-reserve  use-reserve
            policy version           \(Self.inForce.version)     \(Self.candidate.version)
            requests served          7            7
            requests on a dry pool   1            1
            served before first dry  6            6
            minutes with a dry pool  54           54
            account switches         6            2
            unused at 5h resets      0%           0%
            acct1
              requests               4            4
              first exhausted        00:05        00:03
              unused at 5h resets    0%           0%
            acct2
              priority               1            2
              own reserves           as the pool  as the pool
              requests               3            3
              first exhausted        00:06        00:06
              unused at 5h resets    no reset     no reset

            Unused at resets: 100 − the used % of a window when it starts over, summed over the span's resets.

            """)
    }

    @Test func json() throws {
        let report = PolicySimulationReport(traffic: Self.traffic, inForce: Self.inForce, candidate: Self.candidate)
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any])
        #expect(Set(document.keys) == [
            "since", "until", "days", "requested_days", "clipped", "requests", "accounts", "in_force", "candidate",
        ])
        #expect(document["clipped"] as? Bool == true)
        #expect(document["requests"] as? Int == 8)
        let candidate = try #require(document["candidate"] as? [String: Any])
        #expect(Set(candidate.keys) == [
            "strategy", "reserves", "when_all_reserved", "version", "canonical", "served", "dry_requests",
            "served_before_first_dry", "first_dry_request_at", "dry_minutes", "switches", "unused_at_resets_percent",
            "accounts",
        ])
        #expect(candidate["strategy"] as? String == "drain")
        #expect(candidate["switches"] as? Int == 2)
        #expect(candidate["dry_minutes"] as? Int == 54)
        #expect(candidate["served_before_first_dry"] as? Int == 6)
        #expect(candidate["first_dry_request_at"] as? String == "2026-01-01T00:07:00Z")
        let accounts = try #require(candidate["accounts"] as? [[String: Any]])
        #expect(accounts.map { $0["first_exhausted_at"] as? String }
            == ["2026-01-01T00:03:00Z", "2026-01-01T00:06:00Z"])
        #expect(accounts.map { $0["requests"] as? Int } == [4, 3])
        // acct2's 5h window resets at 300m, after the span's end (120m): no reset, null rather than 0.
        #expect((accounts[1]["unused_at_resets_percent"] as? [String: Any])?["5h"] is NSNull)
        let inForce = try #require(document["in_force"] as? [String: Any])
        #expect(inForce["switches"] as? Int == 6)
        #expect(((inForce["unused_at_resets_percent"] as? [String: Any])?["5h"] as? NSNumber)?.doubleValue == 0)
    }

    /// A span clipped to the decision log says so, from when (the span's start, 00:00 today) and for how long
    /// (120 min / 1,440 = 0.083 → 0.1 days).
    @Test func aSpanClippedToTheDecisionLogSaysWhy() {
        var traffic = Self.traffic
        traffic.isClippedToDecisionLog = true
        let text = PolicySimulationReport(traffic: traffic, inForce: Self.inForce, candidate: Self.candidate)
            .text(now: Self.now, timeZone: Self.utc)
        #expect(text.split(separator: "\n")[1] == "The decision log holds served requests from 00:00 on (it keeps 14 days "
            + "and at most 20,000 decisions), less than the 7 days asked: simulating 0.1 days.")
    }

    /// Without any usage history the accounts have no window, so no cost is known: the line says so instead of
    /// listing a plan with nothing after it.
    @Test func withoutUsageHistoryCostsAreUnknown() {
        let traffic = RecordedTraffic(
            simulation: PolicySimulation(
                accounts: [.init(id: Self.ids[0], label: "acct1", plan: "plus", windows: [])],
                requests: [Self.minutes(1)], start: Self.minutes(0), end: Self.now),
            requestedDays: 7, isClipped: true)
        let text = PolicySimulationReport(traffic: traffic, inForce: Self.inForce, candidate: Self.candidate)
            .text(now: Self.now, timeZone: Self.utc)
        #expect(text.split(separator: "\n")[2] == "Cost of a request: no usage history: costs unknown.")
    }
}
