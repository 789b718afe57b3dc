import Foundation
import GRDB
import RotorCore

/// One row of `usage_snapshot`: the latest rate-limit windows seen for one account.
struct UsageSnapshotRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "usage_snapshot"

    var accountID: String
    var observedAt: Date
    var source: String
    var primaryUsedPercent: Double?
    var primaryWindowMinutes: Int?
    var primaryResetsAt: Date?
    var secondaryUsedPercent: Double?
    var secondaryWindowMinutes: Int?
    var secondaryResetsAt: Date?

    enum CodingKeys: String, CodingKey, ColumnExpression {
        case accountID = "account_id"
        case observedAt = "observed_at"
        case source
        case primaryUsedPercent = "primary_used_percent"
        case primaryWindowMinutes = "primary_window_minutes"
        case primaryResetsAt = "primary_resets_at"
        case secondaryUsedPercent = "secondary_used_percent"
        case secondaryWindowMinutes = "secondary_window_minutes"
        case secondaryResetsAt = "secondary_resets_at"
    }

    static func databaseDateEncodingStrategy(for column: String) -> DatabaseDateEncodingStrategy {
        .timeIntervalSince1970
    }

    static func databaseDateDecodingStrategy(for column: String) -> DatabaseDateDecodingStrategy {
        .timeIntervalSince1970
    }

    init(_ snapshot: UsageSnapshot, for id: AccountID) {
        accountID = id.rawValue
        observedAt = snapshot.observedAt
        source = snapshot.source.rawValue
        primaryUsedPercent = snapshot.primary?.usedPercent
        primaryWindowMinutes = snapshot.primary?.windowMinutes
        primaryResetsAt = snapshot.primary?.resetsAt
        secondaryUsedPercent = snapshot.secondary?.usedPercent
        secondaryWindowMinutes = snapshot.secondary?.windowMinutes
        secondaryResetsAt = snapshot.secondary?.resetsAt
    }

    var snapshot: UsageSnapshot {
        UsageSnapshot(
            primary: primaryUsedPercent.map {
                UsageWindow(usedPercent: $0, windowMinutes: primaryWindowMinutes, resetsAt: primaryResetsAt)
            },
            secondary: secondaryUsedPercent.map {
                UsageWindow(usedPercent: $0, windowMinutes: secondaryWindowMinutes, resetsAt: secondaryResetsAt)
            },
            observedAt: observedAt,
            source: UsageSource(storedName: source)
        )
    }
}

extension UsageSource {
    /// The source stored as `name`; a name this rotor does not know (written by a newer one) reads as `headers`.
    init(storedName name: String) {
        self = UsageSource(rawValue: name) ?? .responseHeaders
    }
}
