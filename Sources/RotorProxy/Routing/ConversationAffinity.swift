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

    /// The SHA-256 of `text` in lower-case hex, spelled by hand: `String(format:)` ran `sprintf` once per byte, on
    /// every request with a conversation key.
    private static func digest(_ text: String) -> String {
        func digit(_ nibble: UInt8) -> UInt8 { nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10 }
        var hex: [UInt8] = []
        hex.reserveCapacity(2 * SHA256.byteCount)
        for byte in SHA256.hash(data: Array(text.utf8)) {
            hex.append(digit(byte >> 4))
            hex.append(digit(byte & 0x0F))
        }
        return String(decoding: hex, as: UTF8.self)
    }
}
