import Foundation
import GRDB
import RotorCore

/// One row of `decision`: one attempt of one proxied request, as ``DecisionRecord`` describes it.
struct DecisionLogRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "decision"

    var id: Int64?
    var time: Date
    var requestID: String
    var attempt: Int
    var conversationKeyHash: String?
    var accountID: String?
    var upstreamStatus: Int?
    var outcome: String
    var reason: String
    var cooldownUntil: Date?
    var cooldownReason: String?
    var firstByteMilliseconds: Int?
    var bytes: Int
    var inputTokens: Int?
    var cachedInputTokens: Int?
    var outputTokens: Int?
    var reasoningTokens: Int?
    var model: String?
    var policyVersion: String?

    enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, time, attempt, outcome, reason, bytes, model
        case requestID = "request_id"
        case conversationKeyHash = "conversation_key_hash"
        case accountID = "account_id"
        case upstreamStatus = "upstream_status"
        case cooldownUntil = "cooldown_until"
        case cooldownReason = "cooldown_reason"
        case firstByteMilliseconds = "first_byte_milliseconds"
        case inputTokens = "input_tokens"
        case cachedInputTokens = "cached_input_tokens"
        case outputTokens = "output_tokens"
        case reasoningTokens = "reasoning_tokens"
        case policyVersion = "policy_version"
    }

    static func databaseDateEncodingStrategy(for column: String) -> DatabaseDateEncodingStrategy {
        .timeIntervalSince1970
    }

    static func databaseDateDecodingStrategy(for column: String) -> DatabaseDateDecodingStrategy {
        .timeIntervalSince1970
    }

    init(_ record: DecisionRecord) {
        time = record.time
        requestID = record.requestID
        attempt = record.attempt
        conversationKeyHash = record.conversationKeyHash
        accountID = record.accountID?.rawValue
        upstreamStatus = record.upstreamStatus
        outcome = record.outcome.rawValue
        reason = record.reason
        cooldownUntil = record.cooldownUntil
        cooldownReason = record.cooldownReason?.rawValue
        firstByteMilliseconds = record.firstByteMilliseconds
        bytes = record.bytes
        inputTokens = record.inputTokens
        cachedInputTokens = record.cachedInputTokens
        outputTokens = record.outputTokens
        reasoningTokens = record.reasoningTokens
        model = record.model
        policyVersion = record.policyVersion
    }

    /// The row as a record; `nil` for an outcome this rotor does not know (written by a newer one).
    var value: DecisionRecord? {
        guard let outcome = DecisionRecord.Outcome(rawValue: outcome) else { return nil }
        return DecisionRecord(
            time: time,
            requestID: requestID,
            attempt: attempt,
            conversationKeyHash: conversationKeyHash,
            accountID: accountID.flatMap { AccountID($0) },
            upstreamStatus: upstreamStatus,
            outcome: outcome,
            reason: reason,
            cooldownUntil: cooldownUntil,
            cooldownReason: cooldownReason.flatMap(CooldownReason.init(rawValue:)),
            firstByteMilliseconds: firstByteMilliseconds,
            bytes: bytes,
            inputTokens: inputTokens,
            cachedInputTokens: cachedInputTokens,
            outputTokens: outputTokens,
            reasoningTokens: reasoningTokens,
            model: model,
            policyVersion: policyVersion
        )
    }
}
