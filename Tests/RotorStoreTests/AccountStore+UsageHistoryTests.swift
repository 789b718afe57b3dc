import Foundation
import GRDB
import RotorCore
import RotorTestSupport
import Testing

@testable import RotorStore

/// The usage history: every snapshot that changed an account's windows, where it was seen, kept 30 days.
struct AccountStoreUsageHistoryTests {
    private let now = Date(timeIntervalSince1970: 1_767_225_600)
    private let affinity = AccountStore.AffinityLifetimes(conversation: .seconds(60), turnState: .seconds(60))

    private func snapshot(
        _ used: Double,
        at seconds: TimeInterval = 0,
        resetIn reset: TimeInterval = 3_600,
        source: UsageSource = .responseHeaders
    ) -> UsageSnapshot {
        let observedAt = now.addingTimeInterval(seconds)
        return UsageSnapshot(
            primary: UsageWindow(usedPercent: used, windowMinutes: 300, resetsAt: now.addingTimeInterval(reset)),
            secondary: UsageWindow(usedPercent: 20, windowMinutes: 10_080),
            observedAt: observedAt, source: source)
    }

    /// A snapshot that changes the windows adds an entry; one with the same numbers (a reset read a few seconds
    /// apart, another source) adds none; entries come back oldest first with their time and source.
    @Test(arguments: StoreKind.allCases)
    func keepsOnlyChanges(kind: StoreKind) throws {
        try kind.withStore { store in
            let id = try store.saveLogin(TestLogin.make(email: "a@x.io")).account.id
            try store.recordUsage(snapshot(10), for: id)
            try store.recordUsage(snapshot(10, at: 30, resetIn: 3_610, source: .streamEvent), for: id)
            try store.recordUsage(snapshot(11, at: 60, source: .streamEvent), for: id)
            try store.recordUsage(snapshot(11, at: 90), for: id)
            let history = try store.usageHistory(for: id, since: now)
            #expect(history.map(\.usage) == [snapshot(10), snapshot(11, at: 60, source: .streamEvent)])
            #expect(history.allSatisfy { $0.accountID == id && $0.plan == "plus" })
            // The latest snapshot still moves on with every observation.
            #expect(try store.account(id)?.usage == snapshot(11, at: 90))
        }
    }

    /// A snapshot older than the account's latest entry is not history any more: it adds nothing.
    @Test func olderSnapshotAddsNothing() throws {
        let store = try AccountStore.inMemory()
        let id = try store.saveLogin(TestLogin.make(email: "a@x.io")).account.id
        try store.recordUsage(snapshot(30, at: 60), for: id)
        try store.recordUsage(snapshot(10, at: 0), for: id)
        #expect(try store.usageHistory(for: id, since: now).map(\.usage) == [snapshot(30, at: 60)])
    }

    /// Both read paths filter: one account's entries from a time on, and every account's.
    @Test func readsByAccountAndTime() throws {
        let store = try AccountStore.inMemory()
        let a = try store.saveLogin(TestLogin.make(email: "a@x.io")).account.id
        let b = try store.saveLogin(TestLogin.make(email: "b@x.io", plan: nil)).account.id
        try store.recordUsage(snapshot(10, at: 0), for: a)
        try store.recordUsage(snapshot(50, at: 10), for: b)
        try store.recordUsage(snapshot(20, at: 100), for: a)
        #expect(try store.usageHistory(for: a, since: now.addingTimeInterval(50)).map(\.usage)
            == [snapshot(20, at: 100)])
        let all = try store.usageHistory(since: now)
        #expect(all.map(\.accountID) == [a, b, a])
        #expect(all.map(\.plan) == ["plus", nil, "plus"])
        #expect(try store.usageHistory(since: now.addingTimeInterval(101)).isEmpty)
    }

    /// Entries older than 30 days before the newest observation are dropped; younger ones stay.
    @Test(arguments: StoreKind.allCases)
    func dropsEntriesAfterThirtyDays(kind: StoreKind) throws {
        try kind.withStore { store in
            let id = try store.saveLogin(TestLogin.make(email: "a@x.io")).account.id
            let day: TimeInterval = 86_400
            try store.recordUsage(snapshot(10, at: 0), for: id)
            try store.recordUsage(snapshot(20, at: 2 * day), for: id)
            try store.recordUsage(snapshot(30, at: 31 * day), for: id)
            let history = try store.usageHistory(since: .distantPast)
            #expect(history.map(\.usage.observedAt) == [now.addingTimeInterval(2 * day), now.addingTimeInterval(31 * day)])
            #expect(AccountStore.usageHistoryRetention == 30 * day)
        }
    }

    /// `rotor accounts reset` clears cooldowns and the latest snapshot, never the history; an account's removal
    /// leaves it too.
    @Test(arguments: StoreKind.allCases)
    func resetAndRemovalKeepHistory(kind: StoreKind) throws {
        try kind.withStore { store in
            let id = try store.saveLogin(TestLogin.make(email: "a@x.io")).account.id
            try store.recordUsage(snapshot(100), for: id)
            try store.clearCooldowns(nil)
            #expect(try store.account(id)?.usage == nil)
            #expect(try store.usageHistory(for: id, since: now).map(\.usage) == [snapshot(100)])
            try store.remove(id)
            #expect(try store.usageHistory(since: now).map(\.accountID) == [id])
        }
    }

    /// Snapshots from routing (response headers, an error answer) and from the usage endpoint are all history,
    /// each with its source; the endpoint's plan replaces the account's and is kept with its entry.
    @Test func sourcesAndPlan() throws {
        let store = try AccountStore.inMemory()
        let id = try store.saveLogin(TestLogin.make(email: "a@x.io")).account.id
        var generator = SeededGenerator(seed: 1)
        let headers = snapshot(40)
        let refused = snapshot(100, at: 10, source: .errorAnswer)
        try store.record([.usage(id, headers)], decisions: [], now: now, affinity: affinity, using: &generator)
        try store.record([.failure(id, AccountFailure(.usageLimit)), .usage(id, refused)], decisions: [], now: now,
                         affinity: affinity, using: &generator)
        let refreshed = snapshot(5, at: 20, resetIn: 18_000, source: .refresh)
        try store.recordUsage(refreshed, plan: "pro", for: id)

        let history = try store.usageHistory(for: id, since: now)
        #expect(history.map(\.usage.source) == [.responseHeaders, .errorAnswer, .refresh])
        #expect(history.map(\.plan) == ["plus", "plus", "pro"])
        let account = try #require(try store.account(id))
        #expect(account.plan == "pro")
        #expect(account.usage == refreshed)
        #expect(account.usage?.source == .refresh)
    }

    /// A database from before the history: its latest snapshots read as seen in headers, its history starts empty.
    @Test func migratesAnOlderDatabase() throws {
        let directory = try TemporaryDirectory(prefix: "rotor-history-migration")
        defer { directory.remove() }
        let state = directory.stateDirectory
        try state.prepare()
        let queue = try DatabaseQueue(path: state.databaseURL.path(percentEncoded: false))
        try Schema.migrator.migrate(queue, upTo: "v6 usage ledger")
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO account (id, label, email, chatgpt_account_id, id_token, access_token, refresh_token,
                                     created_at)
                VALUES ('00000000-0000-4000-8000-000000000001', 'a', 'a@x.io', 'acct', 'i', 'a', 'r', 0);
                INSERT INTO usage_snapshot (account_id, observed_at, primary_used_percent)
                VALUES ('00000000-0000-4000-8000-000000000001', 5, 42);
                """)
        }
        try queue.close()
        let store = try AccountStore(directory: state)
        let account = try #require(try store.accounts().first)
        #expect(account.usage == UsageSnapshot(primary: UsageWindow(usedPercent: 42),
                                               observedAt: Date(timeIntervalSince1970: 5), source: .responseHeaders))
        #expect(try store.usageHistory(since: .distantPast).isEmpty)
    }
}
