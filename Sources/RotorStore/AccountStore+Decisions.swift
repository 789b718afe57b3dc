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
