#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The token counts of a `response.completed` event (`response.usage`) and the model that served it, for the
/// decision log.
public struct TokenCounts: Hashable, Sendable, Decodable {
    /// `input_tokens`.
    public var inputTokens: Int?
    /// `input_tokens_details.cached_tokens`.
    public var cachedInputTokens: Int?
    /// `output_tokens`.
    public var outputTokens: Int?
    /// `output_tokens_details.reasoning_tokens`.
    public var reasoningTokens: Int?
    /// `response.model`.
    public var model: String?

    /// Creates counts.
    public init(
        inputTokens: Int?,
        cachedInputTokens: Int?,
        outputTokens: Int?,
        reasoningTokens: Int? = nil,
        model: String? = nil
    ) {
        self.inputTokens = inputTokens
        self.cachedInputTokens = cachedInputTokens
        self.outputTokens = outputTokens
        self.reasoningTokens = reasoningTokens
        self.model = model
    }

    /// Reads `response.usage` of a `response.completed` event's JSON `data`; `nil` when it has none.
    public init?(completedEvent data: [UInt8]) {
        guard let envelope = try? JSONDecoder().decode(Envelope.self, from: Data(data)),
            var usage = envelope.response.usage
        else { return nil }
        usage.model = envelope.response.model
        self = usage
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        inputTokens = try container.decodeIfPresent(Int.self, forKey: .inputTokens)
        outputTokens = try container.decodeIfPresent(Int.self, forKey: .outputTokens)
        let details = try container.decodeIfPresent(InputDetails.self, forKey: .inputTokensDetails)
        cachedInputTokens = details?.cachedTokens
        let output = try container.decodeIfPresent(OutputDetails.self, forKey: .outputTokensDetails)
        reasoningTokens = output?.reasoningTokens
        model = nil
    }

    private enum CodingKeys: String, CodingKey {
        case inputTokens = "input_tokens"
        case outputTokens = "output_tokens"
        case inputTokensDetails = "input_tokens_details"
        case outputTokensDetails = "output_tokens_details"
    }

    private struct InputDetails: Decodable {
        var cachedTokens: Int?
        enum CodingKeys: String, CodingKey { case cachedTokens = "cached_tokens" }
    }

    private struct OutputDetails: Decodable {
        var reasoningTokens: Int?
        enum CodingKeys: String, CodingKey { case reasoningTokens = "reasoning_tokens" }
    }

    private struct Envelope: Decodable {
        struct Response: Decodable {
            var usage: TokenCounts?
            var model: String?
        }
        var response: Response
    }
}
