import Foundation
import RotorCore

/// The `rotor accounts list --json` document: a stable array of objects, documented in docs/accounts-json.md.
///
/// Every field is always present (`null` when unknown). Times are UTC ISO 8601 with `Z`. Never carries a token.
struct AccountsJSON: Encodable {
    let id: String
    let shortID: String
    let label: String
    let email: String
    let plan: String?
    let chatgptAccountID: String
    let state: String
    let stateReason: String?
    let cooldownUntil: String?
    let cooldownReason: String?
    let lastUsedAt: String?
    let createdAt: String

    enum CodingKeys: String, CodingKey {
        case id, label, email, plan, state
        case shortID = "short_id"
        case chatgptAccountID = "chatgpt_account_id"
        case stateReason = "state_reason"
        case cooldownUntil = "cooldown_until"
        case cooldownReason = "cooldown_reason"
        case lastUsedAt = "last_used_at"
        case createdAt = "created_at"
    }

    init(_ account: Account, policy: RoutingPolicy, now: Date) {
        let cooldown = account.activeCooldown(at: now)
        id = account.id.rawValue
        shortID = account.id.shortID
        label = account.label
        email = account.email
        plan = account.plan
        chatgptAccountID = account.chatgptAccountID
        let shown = policy.shownState(of: account, at: now)
        state = shown.name
        stateReason = shown.reservation?.detail ?? account.status.reason
        cooldownUntil = cooldown.map { ClockTime.iso8601($0.until) }
        cooldownReason = cooldown?.reason.rawValue
        lastUsedAt = account.lastUsedAt.map(ClockTime.iso8601)
        createdAt = ClockTime.iso8601(account.createdAt)
    }

    func encode(to encoder: any Encoder) throws {
        // Spelled out so that absent values are written as null instead of being left out.
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(shortID, forKey: .shortID)
        try container.encode(label, forKey: .label)
        try container.encode(email, forKey: .email)
        try container.encode(plan, forKey: .plan)
        try container.encode(chatgptAccountID, forKey: .chatgptAccountID)
        try container.encode(state, forKey: .state)
        try container.encode(stateReason, forKey: .stateReason)
        try container.encode(cooldownUntil, forKey: .cooldownUntil)
        try container.encode(cooldownReason, forKey: .cooldownReason)
        try container.encode(lastUsedAt, forKey: .lastUsedAt)
        try container.encode(createdAt, forKey: .createdAt)
    }

    /// The whole document, pretty-printed with sorted keys, ending in a newline.
    /// `policy` says which accounts show as `reserved`.
    static func render(_ accounts: [Account], policy: RoutingPolicy = .default, now: Date) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(accounts.map { AccountsJSON($0, policy: policy, now: now) })
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
