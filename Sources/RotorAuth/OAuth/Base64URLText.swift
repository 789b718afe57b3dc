import Foundation

/// Base64url text (RFC 4648 §5) without padding, as PKCE (RFC 7636 appendix A) and OAuth `state` use it.
///
/// Hand-written because Foundation's `base64EncodedString()` emits only the standard alphabet with padding.
enum Base64URLText {
    /// Encodes `bytes` as unpadded base64url.
    static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var text = Data(bytes).base64EncodedString()
        while text.last == "=" { text.removeLast() }
        return String(
            text.map { character in
                switch character {
                case "+": "-"
                case "/": "_"
                default: character
                }
            })
    }

    /// `count` bytes from `rng`, base64url-encoded.
    static func random(byteCount count: Int, using rng: inout some RandomNumberGenerator) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        while bytes.count < count {
            withUnsafeBytes(of: rng.next()) { word in
                bytes.append(contentsOf: word.prefix(count - bytes.count))
            }
        }
        return encode(bytes)
    }
}
