import RotorCore

/// Random base64url text (RFC 4648 §5, unpadded), as the PKCE verifier (RFC 7636 appendix A) and OAuth `state` use it.
enum Base64URLText {
    /// `count` bytes from `rng`, base64url-encoded.
    static func random(byteCount count: Int, using rng: inout some RandomNumberGenerator) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        while bytes.count < count {
            withUnsafeBytes(of: rng.next()) { word in
                bytes.append(contentsOf: word.prefix(count - bytes.count))
            }
        }
        return Base64URL.encode(bytes)
    }
}
