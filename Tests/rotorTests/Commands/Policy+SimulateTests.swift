import Foundation
import RotorCore
import RotorStore
import Testing

/// `rotor policy simulate` over a real state directory, with the home's own config file (ROTOR_CONFIG).
struct PolicySimulateTests {
    /// Two days of history for `me@x.io`: 10 % of its 5h window 48 h ago, 16 % 47 h ago, three requests served in
    /// between; the config file says drain, the candidate reset-first.
    static func home() throws -> RotorHome {
        let now = Date()
        let (home, store, ids) = try RotorHome.withTwoAccounts(now: now)
        func at(hours: Double) -> Date { now.addingTimeInterval(hours * 3_600) }
        for (hours, used) in [(-48.0, 10.0), (-47, 16)] {
            try store.recordUsage(UsageSnapshot(
                primary: UsageWindow(usedPercent: used, windowMinutes: 300, resetsAt: at(hours: -45)),
                observedAt: at(hours: hours)), for: ids[0])
        }
        try store.appendDecisions([-47.75, -47.5, -47.25].map {
            DecisionRecord(time: at(hours: $0), requestID: "r\($0)", attempt: 1, accountID: ids[0], outcome: .success,
                           reason: "most headroom", bytes: 100)
        })
        try home.writeConfig("[routing]\nstrategy = \"drain\"\n")
        try Data("[routing]\nstrategy = \"reset-first\"\n".utf8).write(to: home.root.appending(path: "try.toml"))
        return home
    }

    @Test func comparesThePolicyInForceWithTheCandidate() throws {
        let home = try Self.home()
        defer { home.remove() }
        let tryFile = home.root.appending(path: "try.toml").path
        let text = try home.rotor("policy", "simulate", "--policy", tryFile)
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("Replayed 3 served requests"), "\(text.stdout)")
        // The span starts at the oldest served request, 47.75 h ago: 47.75 / 24 = 1.99 → 2 days.
        #expect(text.stdout.contains("The decision log holds served requests from "), "\(text.stdout)")
        #expect(text.stdout.contains(
            "on (it keeps 14 days and at most 20,000 decisions), less than the 7 days asked: simulating 2 days."))
        #expect(text.stdout.contains("strategy                 drain        reset-first"), "\(text.stdout)")

        let json = try home.rotor("policy", "simulate", "--policy", tryFile, "--days", "1", "--json")
        #expect(json.status == 0, "\(json.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect((document["in_force"] as? [String: Any])?["strategy"] as? String == "drain")
        #expect((document["candidate"] as? [String: Any])?["strategy"] as? String == "reset-first")
        #expect(document["clipped"] as? Bool == false)
        #expect(document["requested_days"] as? Int == 1)
    }

    /// Without --policy: the policy in force alone, one column (drain, from the config file), and a null candidate.
    @Test func withoutACandidateShowsThePolicyInForceAlone() throws {
        let home = try Self.home()
        defer { home.remove() }
        let text = try home.rotor("policy", "simulate")
        #expect(text.status == 0, "\(text.stderr)")
        let lines = text.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains("strategy                 drain"), "\(text.stdout)")
        #expect(!text.stdout.contains("candidate"), "\(text.stdout)")

        let json = try home.rotor("policy", "simulate", "--json")
        #expect(json.status == 0, "\(json.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(document["candidate"] is NSNull)
        #expect((document["in_force"] as? [String: Any])?["strategy"] as? String == "drain")
    }

    @Test func refusesBadArguments() throws {
        let home = try Self.home()
        defer { home.remove() }
        let zero = try home.rotor("policy", "simulate", "--days", "0")
        #expect(zero.status == 64)
        #expect(zero.stderr.contains("--days must be at least 1."), "\(zero.stderr)")
        let missing = home.root.appending(path: "missing.toml").path
        let absent = try home.rotor("policy", "simulate", "--policy", missing)
        #expect(absent.status == 66)
        #expect(absent.stderr == "rotor: \(missing) does not exist; pass the path of a policy file (TOML, as the config file)\n")
    }
}
