import Foundation
import RotorCore
import RotorStore
import Testing

@testable import rotor

/// What `rotor policy simulate` reads from a store: the served requests and the usage history of the span.
struct RecordedTrafficTests {
    static let now = Date(timeIntervalSince1970: 1_767_225_600)

    static func at(hours: Double) -> Date { now.addingTimeInterval(hours * 3_600) }

    /// One plus account with two days of history: 10 % of its 5h window 48 h ago, 16 % 47 h ago (same reset, 45 h
    /// ago), three requests served in between, one that failed over (not served), and one disabled account.
    static func store() throws -> AccountStore {
        let store = try AccountStore.inMemory()
        let id = try store.saveLogin(AccountLogin(
            email: "me@x.io", chatgptAccountID: "acct-1", plan: "plus",
            credentials: AccountCredentials(idToken: "id", accessToken: "at", refreshToken: "rt"),
            accessTokenExpiresAt: now.addingTimeInterval(3_600))).account.id
        let off = try store.saveLogin(AccountLogin(
            email: "off@x.io", chatgptAccountID: "acct-2", plan: "plus",
            credentials: AccountCredentials(idToken: "id2", accessToken: "at2", refreshToken: "rt2"),
            accessTokenExpiresAt: now.addingTimeInterval(3_600))).account.id
        try store.setStatus(.disabled(reason: "user"), for: off)
        for (hours, used) in [(-48.0, 10.0), (-47, 16)] {
            try store.recordUsage(UsageSnapshot(
                primary: UsageWindow(usedPercent: used, windowMinutes: 300, resetsAt: at(hours: -45)),
                observedAt: at(hours: hours)), for: id)
        }
        let served = [-47.75, -47.5, -47.25].map {
            DecisionRecord(time: at(hours: $0), requestID: "r\($0)", attempt: 1, accountID: id, outcome: .success,
                           reason: "most headroom", bytes: 100)
        }
        let failed = DecisionRecord(time: at(hours: -47.6), requestID: "f", attempt: 1, accountID: id,
                                    outcome: .usageLimit, reason: "most headroom")
        try store.appendDecisions(served + [failed])
        return store
    }

    /// Seven days asked, two held: the span starts at the oldest served request (−47.75 h; the usage history
    /// reaches back to −48 h) and says it was clipped to the decision log; the account starts as its entry at −48 h
    /// shows it (10 %), resets at the recorded reset, and a request costs (16 − 10) / 3 = 2 %. The disabled account
    /// is not simulated.
    @Test func clipsToTheHistoryItHolds() throws {
        let traffic = try #require(try RecordedTraffic.read(from: Self.store(), days: 7, now: Self.now))
        #expect(traffic.isClipped)
        #expect(traffic.isClippedToDecisionLog)
        #expect(traffic.simulation.start == Self.at(hours: -47.75))
        #expect(traffic.simulation.end == Self.now)
        #expect(traffic.days == 47.75 / 24)
        #expect(traffic.simulation.requests == [-47.75, -47.5, -47.25].map(Self.at(hours:)))
        #expect(traffic.simulation.accounts.map(\.label) == ["me@x.io"])
        #expect(traffic.simulation.accounts.first?.windows == [
            .init(name: .fiveHours, usedPercent: 10, resets: [Self.at(hours: -45)], costPerRequest: 2)
        ])
    }

    /// One day asked, two held: not clipped; no request in the span, the cost still comes from the whole history.
    @Test func aShorterSpanKeepsTheCost() throws {
        let traffic = try #require(try RecordedTraffic.read(from: Self.store(), days: 1, now: Self.now))
        #expect(!traffic.isClipped)
        #expect(traffic.simulation.start == Self.at(hours: -24))
        #expect(traffic.simulation.requests.isEmpty)
        #expect(traffic.simulation.accounts.first?.windows.first?.costPerRequest == 2)
    }

    /// An empty store has nothing to replay.
    @Test func nothingRecorded() throws {
        #expect(try RecordedTraffic.read(from: AccountStore.inMemory(), days: 7, now: Self.now) == nil)
    }

    /// Usage history from 20 days ago (480 h), requests served only from 3 days ago (72 h; the decision log keeps
    /// 14 days), 7 days asked: the span starts at the oldest request, −72 h, not at −7 · 24 = −168 h, and is
    /// reported clipped.
    @Test func clipsToTheOldestServedRequest() throws {
        let store = try AccountStore.inMemory()
        let id = try store.saveLogin(AccountLogin(
            email: "me@x.io", chatgptAccountID: "acct-1", plan: "plus",
            credentials: AccountCredentials(idToken: "id", accessToken: "at", refreshToken: "rt"),
            accessTokenExpiresAt: Self.now.addingTimeInterval(3_600))).account.id
        try store.recordUsage(UsageSnapshot(
            primary: UsageWindow(usedPercent: 10, windowMinutes: 300, resetsAt: Self.at(hours: -476)),
            observedAt: Self.at(hours: -480)), for: id)
        try store.appendDecisions([
            DecisionRecord(time: Self.at(hours: -72), requestID: "r", attempt: 1, accountID: id, outcome: .success,
                           reason: "most headroom", bytes: 100)
        ])
        let traffic = try #require(try RecordedTraffic.read(from: store, days: 7, now: Self.now))
        #expect(traffic.simulation.start == Self.at(hours: -72))
        #expect(traffic.isClipped)
        #expect(traffic.isClippedToDecisionLog)
    }

    /// 30 days asked, usage history from 30 s less than 30 days ago (−720 h + 30 s), no request: the span starts
    /// 30 s after the 30 days asked, less than a minute, which is not a clip.
    @Test func aClipUnderAMinuteIsNone() throws {
        let store = try AccountStore.inMemory()
        let id = try store.saveLogin(AccountLogin(
            email: "me@x.io", chatgptAccountID: "acct-1", plan: "plus",
            credentials: AccountCredentials(idToken: "id", accessToken: "at", refreshToken: "rt"),
            accessTokenExpiresAt: Self.now.addingTimeInterval(3_600))).account.id
        try store.recordUsage(UsageSnapshot(
            primary: UsageWindow(usedPercent: 10, windowMinutes: 300, resetsAt: Self.at(hours: -716)),
            observedAt: Self.at(hours: -720).addingTimeInterval(30)), for: id)
        let traffic = try #require(try RecordedTraffic.read(from: store, days: 30, now: Self.now))
        #expect(!traffic.isClipped)
    }
}
