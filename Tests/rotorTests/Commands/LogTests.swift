import Foundation
import RotorCore
import RotorStore
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `rotor log` over a real state directory: which requests it shows, how it selects them, and `--follow`.
@Suite(.timeLimit(.minutes(1)))
struct LogTests {
    private let now = Date()

    /// A home with accounts `me@x.io` and `work` and two logged requests: `req-1` served by `me@x.io`, then
    /// `req-2` moved from `me@x.io` to `work`.
    private func home() throws -> (RotorHome, AccountStore, [AccountID]) {
        let (home, store, ids) = try RotorHome.withTwoAccounts(now: now)
        try store.appendDecisions([
            DecisionRecord(time: now.addingTimeInterval(-60), requestID: "req-1", attempt: 1, accountID: ids[0],
                           upstreamStatus: 200, outcome: .success, reason: "least recently used", bytes: 10),
            DecisionRecord(time: now.addingTimeInterval(-30), requestID: "req-2", attempt: 1, accountID: ids[0],
                           upstreamStatus: 429, outcome: .rateLimit, reason: "least recently used"),
            DecisionRecord(time: now.addingTimeInterval(-29), requestID: "req-2", attempt: 2, accountID: ids[1],
                           upstreamStatus: 200, outcome: .success, reason: "after me@x.io rate-limit", bytes: 20),
        ])
        return (home, store, ids)
    }

    /// Newest first; `--limit` counts requests, not attempts; `--request` and `--account` select.
    @Test func selectsRequests() throws {
        let (home, _, _) = try home()
        defer { home.remove() }
        let all = try home.rotor("log")
        #expect(all.status == 0)
        let headers = all.stdout.split(separator: "\n").filter { $0.contains("  request ") }
        #expect(headers.map { $0.hasSuffix("request req-2") } == [true, false])
        #expect(all.stdout.contains("served by work"))

        let one = try home.rotor("log", "--limit", "1")
        #expect(one.stdout.contains("request req-2") && !one.stdout.contains("request req-1"))
        #expect(one.stdout.contains("#1  me@x.io  429  rate-limit") && one.stdout.contains("#2  work  200  success"))

        let request = try home.rotor("log", "--request", "req-1", "--json")
        let decoded = try JSONSerialization.jsonObject(with: Data(request.stdout.utf8)) as? [[String: Any]]
        #expect(decoded?.map { $0["request_id"] as? String } == ["req-1"])

        let work = try home.rotor("log", "--account", "work")
        #expect(work.stdout.contains("request req-2") && !work.stdout.contains("request req-1"))
    }

    /// An account that does not exist is refused in one line that says what to do.
    @Test func refusesAnUnknownAccount() throws {
        let (home, _, _) = try home()
        defer { home.remove() }
        let result = try home.rotor("log", "--account", "nobody")
        #expect(result.status != 0)
        #expect(result.stderrLines.count == 1)
        #expect(result.stderr.hasPrefix("rotor: "))
    }

    /// `--follow --json` prints the newest requests as lines, then each request once its last row is recorded by
    /// another process (a failed attempt's row alone does not print it).
    @Test func followsNewRequests() async throws {
        let (home, store, ids) = try home()
        defer { home.remove() }
        let follower = try BackgroundRotor(["log", "--follow", "--json", "--limit", "1"], environment: home.environment,
                                           stderrPath: home.root.appending(path: "stderr").path)
        defer { if !ProcessStat.hasEnded(follower.processID) { kill(follower.processID, SIGKILL) } }
        let first = try follower.readLine()
        #expect(first.contains(#""request_id":"req-2""#))

        try store.appendDecisions([
            DecisionRecord(time: now, requestID: "req-3", attempt: 1, accountID: ids[1], upstreamStatus: 503,
                           outcome: .overloaded, reason: "least recently used"),
        ])
        try store.appendDecisions([
            DecisionRecord(time: now, requestID: "req-4", attempt: 1, accountID: ids[1], upstreamStatus: 200,
                           outcome: .success, reason: "least recently used", bytes: 5),
        ])
        let next = try follower.readLine()
        #expect(next.contains(#""request_id":"req-4""#), "req-3 has no last row yet")
        try store.appendDecisions([
            DecisionRecord(time: now, requestID: "req-3", attempt: 2, accountID: ids[0], upstreamStatus: 200,
                           outcome: .success, reason: "after work overloaded", bytes: 5),
        ])
        let last = try follower.readLine()
        #expect(last.contains(#""request_id":"req-3""#) && last.contains(#""outcome":"overloaded""#))
    }
}
