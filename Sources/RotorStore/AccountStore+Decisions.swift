import Foundation
import GRDB
public import RotorCore

extension AccountStore {
    /// Appends decision records in one transaction, then enforces the retention bound
    /// (``Configuration/decisionRetention``): the newest `maximumCount` rows, none older than `maximumAge` before
    /// the newest appended record.
    public func appendDecisions(_ records: [DecisionRecord]) throws {
        let retention = configuration.decisionRetention
        try write { db in try Self.insertDecisions(records, retention: retention, in: db) }
    }

    static func insertDecisions(_ records: [DecisionRecord], retention: DecisionRetention, in db: Database) throws {
        guard let newest = records.map(\.time).max() else { return }
        for record in records {
            try DecisionLogRecord(record).insert(db)
        }
        try db.cachedStatement(sql: "DELETE FROM decision WHERE time < ?")
            .execute(arguments: [newest.addingTimeInterval(-retention.maximumAge.timeInterval).timeIntervalSince1970])
        try db.cachedStatement(sql: "DELETE FROM decision WHERE id <= (SELECT MAX(id) FROM decision) - ?")
            .execute(arguments: [max(0, retention.maximumCount)])
    }

    /// Decision records, newest first: those of one request when `requestID` is given, else all; at most `limit`.
    public func decisions(requestID: String?, limit: Int) throws -> [DecisionRecord] {
        try read { db in
            var request = DecisionLogRecord.all()
            if let requestID {
                request = request.filter(DecisionLogRecord.CodingKeys.requestID == requestID)
            }
            return try request
                .order(DecisionLogRecord.CodingKeys.time.desc, DecisionLogRecord.CodingKeys.id.desc)
                .limit(max(0, limit))
                .fetchAll(db)
                .compactMap(\.value)
        }
    }
}

extension AccountStore {
    /// One proxied request as the decision log holds it: its rows, in the order they were written.
    public struct LoggedRequest: Sendable, Hashable {
        /// The proxy's id for the request.
        public var requestID: String
        /// Its attempts (and, for an answer without one, its attempt-0 row), oldest first.
        public var records: [DecisionRecord]
        /// The row id of its newest row, for following the log.
        public var lastRowID: Int64

        /// Creates a logged request.
        public init(requestID: String, records: [DecisionRecord], lastRowID: Int64) {
            self.requestID = requestID
            self.records = records
            self.lastRowID = lastRowID
        }
    }

    /// The newest `limit` requests, newest first: those with an attempt on `account` when given, or the one request
    /// `requestID` when given.
    public func loggedRequests(limit: Int, requestID: String? = nil, account: AccountID? = nil) throws
        -> [LoggedRequest]
    {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let requestID {
            conditions.append("request_id = ?")
            _ = arguments.append(contentsOf: [requestID])
        }
        if let account {
            conditions.append("request_id IN (SELECT request_id FROM decision WHERE account_id = ?)")
            _ = arguments.append(contentsOf: [account.rawValue])
        }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        _ = arguments.append(contentsOf: [max(0, limit)])
        return try read { db in
            let newest = try Row.fetchAll(
                db,
                sql: "SELECT request_id, MAX(id) AS last FROM decision \(filter) GROUP BY request_id "
                    + "ORDER BY last DESC LIMIT ?",
                arguments: arguments)
            return try newest.map { row in try Self.loggedRequest(row["request_id"], lastRowID: row["last"], db) }
        }
    }

    /// The requests whose newest row is after `rowID`, oldest first (for `rotor log --follow`).
    public func loggedRequests(after rowID: Int64) throws -> [LoggedRequest] {
        try read { db in
            let newer = try Row.fetchAll(
                db,
                sql: "SELECT request_id, MAX(id) AS last FROM decision WHERE id > ? GROUP BY request_id ORDER BY last",
                arguments: [rowID])
            return try newer.map { row in try Self.loggedRequest(row["request_id"], lastRowID: row["last"], db) }
        }
    }

    /// The id of the newest decision row, 0 when there is none.
    public func newestDecisionRowID() throws -> Int64 {
        try read { db in try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM decision") ?? 0 }
    }

    private static func loggedRequest(_ requestID: String, lastRowID: Int64, _ db: Database) throws -> LoggedRequest {
        let records = try DecisionLogRecord
            .filter(DecisionLogRecord.CodingKeys.requestID == requestID)
            .order(DecisionLogRecord.CodingKeys.id)
            .fetchAll(db)
            .compactMap(\.value)
        return LoggedRequest(requestID: requestID, records: records, lastRowID: lastRowID)
    }
}
