import HTTPTypes
import Testing

@testable import RotorProxy

struct ConversationAffinityTests {
    /// SHA-256 of "abc" (FIPS 180-2's example): the turn-state key holds all of it in lower-case hex, the decision
    /// log the first 16 digits.
    @Test func keysAndLogHashesAreTheLowerCaseHexSHA256() {
        let digest = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        #expect(ConversationAffinity.turnStateKey("abc") == "turn-state:" + digest)
        #expect(ConversationAffinity.logHash("abc") == String(digest.prefix(16)))
    }

    /// The body's `prompt_cache_key` wins over the session headers; an empty one does not count.
    @Test func promptCacheKeyWinsOverSessionHeaders() {
        #expect(ConversationAffinity.conversationKey(promptCacheKey: "pck", headers: [:]) == "pck")
        #expect(ConversationAffinity.conversationKey(promptCacheKey: "", headers: [:]) == nil)
    }
}
