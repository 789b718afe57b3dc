import Foundation
import RotorCore
import RotorStore
import Testing

@testable import rotor

/// The decision log as `rotor log` prints it, on a fixed clock.
struct DecisionLogTextTests {
    // 2025-05-01 12:00:00 UTC = 14:00 in Paris (CEST).
    static let now = Date(timeIntervalSince1970: 1_746_100_800)
    static let paris = TimeZone(identifier: "Europe/Paris")!
    static let a = AccountID("0a1b2c3d-0000-4000-8000-000000000001")!
    static let b = AccountID("1b2c3d4e-0000-4000-8000-000000000002")!
    static let removed = AccountID("2c3d4e5f-0000-4000-8000-000000000003")!

    static var accounts: [Account] {
        [a, b].enumerated().map { index, id in
            Account(id: id, label: index == 0 ? "me@x.io" : "work", email: index == 0 ? "me@x.io" : "w@corp.io",
                    chatgptAccountID: "acct", createdAt: Date(timeIntervalSince1970: 0))
        }
    }

    /// A request that failed over from a usage-limited account, and one rotor answered without an attempt.
    static var requests: [AccountStore.LoggedRequest] {
        let failedOver = [
            DecisionRecord(
                time: now.addingTimeInterval(-65), requestID: "req-1", attempt: 1, conversationKeyHash: "9c1e4b2a77d0aa12",
                accountID: a, upstreamStatus: 429, outcome: .usageLimit, reason: "least recently used",
                cooldownUntil: now.addingTimeInterval(3 * 3600), cooldownReason: .usageLimit, firstByteMilliseconds: 180,
                policyVersion: "5e2b19c0"),
            DecisionRecord(
                time: now.addingTimeInterval(-64), requestID: "req-1", attempt: 2, conversationKeyHash: "9c1e4b2a77d0aa12",
                accountID: b, upstreamStatus: 200, outcome: .success,
                reason: "after me@x.io usage-limit; only usable account", firstByteMilliseconds: 412, bytes: 18_200,
                inputTokens: 1_200, cachedInputTokens: 800, outputTokens: 300, reasoningTokens: 120,
                model: "gpt-5-codex", policyVersion: "5e2b19c0"),
        ]
        let dry = [
            DecisionRecord(time: now.addingTimeInterval(-2 * 86_400), requestID: "req-0", attempt: 0,
                           outcome: .poolDry, reason: "no usable account: me@x.io needs a login"),
        ]
        let left = [
            DecisionRecord(time: now.addingTimeInterval(-30), requestID: "req-2", attempt: 1, accountID: removed,
                           outcome: .clientClosed, reason: "least recently used"),
        ]
        return [
            AccountStore.LoggedRequest(requestID: "req-2", records: left, lastRowID: 4),
            AccountStore.LoggedRequest(requestID: "req-1", records: failedOver, lastRowID: 3),
            AccountStore.LoggedRequest(requestID: "req-0", records: dry, lastRowID: 1),
        ]
    }

    @Test func rendersEachRequestAsABlock() {
        let text = DecisionLogText.render(Self.requests, accounts: Self.accounts, now: Self.now, timeZone: Self.paris)
        #expect(text == """
            13:59:30  request req-2
              #1  2c3d4e5f (removed)  -  client-closed: least recently used
              the client left during the attempt on 2c3d4e5f (removed)

            13:58:55  request req-1  conversation 9c1e4b2a77d0aa12  policy 5e2b19c0
              #1  me@x.io  429  usage-limit  cooldown until 17:00 (usage-limit): least recently used
              #2  work  200  success: after me@x.io usage-limit; only usable account
              served by work · first byte 412 ms · 18,200 bytes · tokens 1,200 in (800 cached), 300 out (120 reasoning) · gpt-5-codex

            2025-04-29 14:00:00  request req-0
              -  no account  -  pool-dry: no usable account: me@x.io needs a login
              answered by rotor (pool-dry)

            """)
    }

    @Test func saysWhenTheLogIsEmpty() {
        #expect(DecisionLogText.render([], accounts: [], now: Self.now, timeZone: Self.paris)
            == "No requests recorded yet: requests appear here once `rotor run` or `rotor proxy` served them.\n")
    }

    /// The JSON form: every field present, times in UTC, the served account named.
    @Test func rendersJSON() throws {
        let json = try DecisionLogJSON.render(Array(Self.requests.dropFirst().prefix(1)), accounts: Self.accounts)
        #expect(json == """
            [
              {
                "attempts" : [
                  {
                    "account" : {
                      "id" : "0a1b2c3d-0000-4000-8000-000000000001",
                      "label" : "me@x.io"
                    },
                    "attempt" : 1,
                    "bytes" : 0,
                    "cooldown_reason" : "usage-limit",
                    "cooldown_until" : "2025-05-01T15:00:00Z",
                    "first_byte_ms" : 180,
                    "model" : null,
                    "outcome" : "usage-limit",
                    "policy_version" : "5e2b19c0",
                    "reason" : "least recently used",
                    "time" : "2025-05-01T11:58:55Z",
                    "tokens" : null,
                    "upstream_status" : 429
                  },
                  {
                    "account" : {
                      "id" : "1b2c3d4e-0000-4000-8000-000000000002",
                      "label" : "work"
                    },
                    "attempt" : 2,
                    "bytes" : 18200,
                    "cooldown_reason" : null,
                    "cooldown_until" : null,
                    "first_byte_ms" : 412,
                    "model" : "gpt-5-codex",
                    "outcome" : "success",
                    "policy_version" : "5e2b19c0",
                    "reason" : "after me@x.io usage-limit; only usable account",
                    "time" : "2025-05-01T11:58:56Z",
                    "tokens" : {
                      "cached_input" : 800,
                      "input" : 1200,
                      "output" : 300,
                      "reasoning" : 120
                    },
                    "upstream_status" : 200
                  }
                ],
                "conversation" : "9c1e4b2a77d0aa12",
                "outcome" : "success",
                "request_id" : "req-1",
                "served_by" : {
                  "id" : "1b2c3d4e-0000-4000-8000-000000000002",
                  "label" : "work"
                },
                "time" : "2025-05-01T11:58:55Z"
              }
            ]

            """)
    }
}
