import Foundation
import RotorCore
import RotorStore

/// The `rotor log --json` document: an array of requests, newest first (oldest first while following), documented
/// in docs/log-json.md. Every field is always present (`null` when unknown); times are UTC ISO 8601 with `Z`. Never
/// carries a token or a conversation key (only its hash).
struct DecisionLogJSON: Encodable {
    struct AccountName: Encodable {
        let id: String
        let label: String?
    }

    struct Tokens: Encodable {
        let input: Int?
        let cachedInput: Int?
        let output: Int?
        let reasoning: Int?

        enum CodingKeys: String, CodingKey {
            case input, output, reasoning
            case cachedInput = "cached_input"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(input, forKey: .input)
            try container.encode(cachedInput, forKey: .cachedInput)
            try container.encode(output, forKey: .output)
            try container.encode(reasoning, forKey: .reasoning)
        }
    }

    struct Attempt: Encodable {
        let attempt: Int
        let time: String
        let account: AccountName?
        let upstreamStatus: Int?
        let outcome: String
        let reason: String
        let cooldownUntil: String?
        let cooldownReason: String?
        let firstByteMilliseconds: Int?
        let bytes: Int
        let tokens: Tokens?
        let model: String?
        let policyVersion: String?

        enum CodingKeys: String, CodingKey {
            case attempt, time, account, outcome, reason, bytes, tokens, model
            case policyVersion = "policy_version"
            case upstreamStatus = "upstream_status"
            case cooldownUntil = "cooldown_until"
            case cooldownReason = "cooldown_reason"
            case firstByteMilliseconds = "first_byte_ms"
        }

        init(_ record: DecisionRecord, names: AccountNames) {
            attempt = record.attempt
            time = ClockTime.iso8601(record.time)
            account = record.accountID.map { AccountName(id: $0.rawValue, label: names.label($0)) }
            upstreamStatus = record.upstreamStatus
            outcome = record.outcome.rawValue
            reason = record.reason
            cooldownUntil = record.cooldownUntil.map(ClockTime.iso8601)
            cooldownReason = record.cooldownReason?.rawValue
            firstByteMilliseconds = record.firstByteMilliseconds
            bytes = record.bytes
            let counted = record.inputTokens ?? record.outputTokens ?? record.cachedInputTokens ?? record.reasoningTokens
            tokens = counted == nil ? nil : Tokens(
                input: record.inputTokens, cachedInput: record.cachedInputTokens, output: record.outputTokens,
                reasoning: record.reasoningTokens)
            model = record.model
            policyVersion = record.policyVersion
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(attempt, forKey: .attempt)
            try container.encode(time, forKey: .time)
            try container.encode(account, forKey: .account)
            try container.encode(upstreamStatus, forKey: .upstreamStatus)
            try container.encode(outcome, forKey: .outcome)
            try container.encode(reason, forKey: .reason)
            try container.encode(cooldownUntil, forKey: .cooldownUntil)
            try container.encode(cooldownReason, forKey: .cooldownReason)
            try container.encode(firstByteMilliseconds, forKey: .firstByteMilliseconds)
            try container.encode(bytes, forKey: .bytes)
            try container.encode(tokens, forKey: .tokens)
            try container.encode(model, forKey: .model)
            try container.encode(policyVersion, forKey: .policyVersion)
        }
    }

    let requestID: String
    let time: String?
    let conversation: String?
    let outcome: String?
    let servedBy: AccountName?
    let attempts: [Attempt]

    enum CodingKeys: String, CodingKey {
        case time, conversation, outcome, attempts
        case requestID = "request_id"
        case servedBy = "served_by"
    }

    init(_ request: AccountStore.LoggedRequest, names: AccountNames) {
        requestID = request.requestID
        time = request.records.first.map { ClockTime.iso8601($0.time) }
        conversation = request.records.lazy.compactMap(\.conversationKeyHash).first
        let last = request.records.last
        outcome = last?.outcome.rawValue
        servedBy = last.flatMap { record in
            guard [.success, .interrupted, .clientClosed].contains(record.outcome), record.upstreamStatus != nil,
                let id = record.accountID
            else { return nil }
            return AccountName(id: id.rawValue, label: names.label(id))
        }
        attempts = request.records.map { Attempt($0, names: names) }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(requestID, forKey: .requestID)
        try container.encode(time, forKey: .time)
        try container.encode(conversation, forKey: .conversation)
        try container.encode(outcome, forKey: .outcome)
        try container.encode(servedBy, forKey: .servedBy)
        try container.encode(attempts, forKey: .attempts)
    }

    /// One request as one line of compact JSON (sorted keys), for `--follow`.
    static func line(_ request: AccountStore.LoggedRequest, accounts: [Account]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(DecisionLogJSON(request, names: AccountNames(accounts))), as: UTF8.self)
    }

    /// The whole document, pretty-printed with sorted keys, ending in a newline.
    static func render(_ requests: [AccountStore.LoggedRequest], accounts: [Account]) throws -> String {
        let names = AccountNames(accounts)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(requests.map { DecisionLogJSON($0, names: names) })
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
