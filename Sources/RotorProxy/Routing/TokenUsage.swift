import Foundation
import RotorCore

/// The token counts of a `response.completed` event, for the decision log.
struct TokenUsage: Decodable, Hashable {
    var inputTokens: Int?
    var cachedInputTokens: Int?
    var outputTokens: Int?

    /// Reads `response.usage` of a `response.completed` event; `nil` when it has none.
    init?(completedEvent event: ServerSentEvent) {
        guard let envelope = try? JSONDecoder().decode(Envelope.self, from: Data(event.data)),
            let usage = envelope.response.usage
        else { return nil }
        self = usage
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        inputTokens = try container.decodeIfPresent(Int.self, forKey: .inputTokens)
        outputTokens = try container.decodeIfPresent(Int.self, forKey: .outputTokens)
        let details = try container.decodeIfPresent(InputDetails.self, forKey: .inputTokensDetails)
        cachedInputTokens = details?.cachedTokens
    }

    private enum CodingKeys: String, CodingKey {
        case inputTokens = "input_tokens"
        case outputTokens = "output_tokens"
        case inputTokensDetails = "input_tokens_details"
    }

    private struct InputDetails: Decodable {
        var cachedTokens: Int?
        enum CodingKeys: String, CodingKey { case cachedTokens = "cached_tokens" }
    }

    private struct Envelope: Decodable {
        struct Response: Decodable { var usage: TokenUsage? }
        var response: Response
    }
}
