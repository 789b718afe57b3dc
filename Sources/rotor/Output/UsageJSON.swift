/// The `rotor usage --json` document, documented in docs/usage-json.md. Every field is always present.
struct UsageJSON: Encodable {
    struct Sums: Encodable {
        let requests: Int
        let inputTokens: Int
        let cachedInputTokens: Int
        let outputTokens: Int
        let reasoningTokens: Int

        enum CodingKeys: String, CodingKey {
            case requests
            case inputTokens = "input_tokens"
            case cachedInputTokens = "cached_input_tokens"
            case outputTokens = "output_tokens"
            case reasoningTokens = "reasoning_tokens"
        }

        init(_ sums: UsageReport.Sums) {
            requests = sums.requests
            inputTokens = sums.input
            cachedInputTokens = sums.cachedInput
            outputTokens = sums.output
            reasoningTokens = sums.reasoning
        }
    }

    struct Group: Encodable {
        let key: String
        let account: DecisionLogJSON.AccountName?
        let sums: Sums

        enum CodingKeys: String, CodingKey {
            case key, account, requests
            case inputTokens = "input_tokens"
            case cachedInputTokens = "cached_input_tokens"
            case outputTokens = "output_tokens"
            case reasoningTokens = "reasoning_tokens"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(key, forKey: .key)
            try container.encode(account, forKey: .account)
            try container.encode(sums.requests, forKey: .requests)
            try container.encode(sums.inputTokens, forKey: .inputTokens)
            try container.encode(sums.cachedInputTokens, forKey: .cachedInputTokens)
            try container.encode(sums.outputTokens, forKey: .outputTokens)
            try container.encode(sums.reasoningTokens, forKey: .reasoningTokens)
        }
    }

    let by: String
    let days: Int
    let since: String
    let rows: [Group]
    let total: Sums
}
