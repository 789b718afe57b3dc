import Crypto
import Foundation
import HTTPTypes
import RotorCore

/// How a request is tied to an account: its conversation key and the owner of an echoed `x-codex-turn-state`.
///
/// Conversation key = the body's `prompt_cache_key`, else the `session-id` / `session_id` header.
/// A turn state is bound, by the SHA-256 of its value, to the account whose response minted it.
enum ConversationAffinity {
    /// How long a conversation stays bound to its account after its last request.
    static let timeToLive = Duration.seconds(24 * 3600)
    /// How long a turn state stays bound to the account that minted it (a turn is minutes long).
    static let turnStateTimeToLive = Duration.seconds(6 * 3600)

    static let turnStateHeader = HTTPField.Name("x-codex-turn-state")!
    private static let sessionHeaders = [HTTPField.Name("session-id")!, HTTPField.Name("session_id")!]

    /// The conversation key of a request, if it has one.
    static func conversationKey(promptCacheKey: String?, headers: HTTPFields) -> String? {
        if let promptCacheKey, !promptCacheKey.isEmpty { return promptCacheKey }
        for name in sessionHeaders {
            if let value = headers[name], !value.isEmpty { return value }
        }
        return nil
    }

    /// The affinity key under which the account that minted `turnState` is stored.
    static func turnStateKey(_ turnState: String) -> String {
        "turn-state:" + digest(turnState)
    }

    /// The hash of a conversation key written to the decision log (never the key itself).
    static func logHash(_ key: String) -> String {
        String(digest(key).prefix(16))
    }

    private static func digest(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
