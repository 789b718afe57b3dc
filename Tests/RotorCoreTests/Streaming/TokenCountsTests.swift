import Foundation
import RotorCore
import Testing

/// The token counts and model of a `response.completed` event.
struct TokenCountsTests {
    /// Input, cached input, output and reasoning tokens, and the model, as the backend reports them.
    @Test func readsTheCompletedEvent() {
        let data = bytes(#"{"type":"response.completed","response":{"id":"r","model":"gpt-5-codex","usage":{"input_tokens":120,"input_tokens_details":{"cached_tokens":100},"output_tokens":30,"output_tokens_details":{"reasoning_tokens":12},"total_tokens":150}}}"#)
        #expect(TokenCounts(completedEvent: data) == TokenCounts(
            inputTokens: 120, cachedInputTokens: 100, outputTokens: 30, reasoningTokens: 12, model: "gpt-5-codex"))
    }

    /// Missing details stay unknown; an event without usage, or not JSON, has no counts.
    @Test func missingPartsStayUnknown() {
        let bare = bytes(#"{"response":{"usage":{"input_tokens":1}}}"#)
        #expect(TokenCounts(completedEvent: bare) == TokenCounts(inputTokens: 1, cachedInputTokens: nil,
                                                                outputTokens: nil))
        #expect(TokenCounts(completedEvent: bytes(#"{"response":{"id":"r"}}"#)) == nil)
        #expect(TokenCounts(completedEvent: bytes("not json")) == nil)
    }
}
