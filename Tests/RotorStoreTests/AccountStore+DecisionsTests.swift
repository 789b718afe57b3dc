import Foundation
import RotorCore
import RotorStore
import Testing

struct AccountStoreDecisionsTests {
    let start = Date(timeIntervalSince1970: 1_000_000)

    func record(_ index: Int, request: String = "req", at time: Date? = nil) -> DecisionRecord {
        DecisionRecord(
            time: time ?? start.addingTimeInterval(Double(index)),
            requestID: request,
            attempt: index,
            accountID: AccountID(UUID()),
            upstreamStatus: 200,
            outcome: .success,
            reason: "headroom",
            cooldownUntil: start,
            cooldownReason: .usageLimit,
            firstByteMilliseconds: 12,
            bytes: 345,
            inputTokens: 1,
            cachedInputTokens: 2,
            outputTokens: 3,
            reasoningTokens: 1,
            model: "gpt-5-codex",
            policyVersion: index.isMultiple(of: 2) ? nil : "f878c718"
        )
    }

    /// Records round-trip, newest first, filtered by request id and limited.
    @Test(arguments: StoreKind.allCases)
    func decisionsNewestFirst(kind: StoreKind) throws {
        try kind.withStore { store in
            let records = (1...4).map { record($0, request: $0.isMultiple(of: 2) ? "even" : "odd") }
            try store.appendDecisions(records)
            #expect(try store.decisions(requestID: nil, limit: 10) == records.reversed())
            #expect(try store.decisions(requestID: "even", limit: 10) == [records[3], records[1]])
            #expect(try store.decisions(requestID: nil, limit: 1) == [records[3]])
        }
    }

    /// Appending keeps only the newest `maximumCount` rows.
    @Test(arguments: StoreKind.allCases)
    func retentionBoundsTheCount(kind: StoreKind) throws {
        let configuration = AccountStore.Configuration(decisionRetention: .init(maximumCount: 3))
        try kind.withStore(configuration: configuration) { store in
            try store.appendDecisions((1...2).map { record($0) })
            try store.appendDecisions((3...5).map { record($0) })
            #expect(try store.decisions(requestID: nil, limit: 100).map(\.attempt) == [5, 4, 3])
        }
    }

    /// Appending drops rows older than `maximumAge` before the newest appended record.
    @Test(arguments: StoreKind.allCases)
    func retentionBoundsTheAge(kind: StoreKind) throws {
        let configuration = AccountStore.Configuration(decisionRetention: .init(maximumAge: .seconds(3_600)))
        try kind.withStore(configuration: configuration) { store in
            try store.appendDecisions([record(1, at: start), record(2, at: start.addingTimeInterval(1_800))])
            try store.appendDecisions([record(3, at: start.addingTimeInterval(3_601))])
            #expect(try store.decisions(requestID: nil, limit: 100).map(\.attempt) == [3, 2])
        }
    }
}
