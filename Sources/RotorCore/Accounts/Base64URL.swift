#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Base64url (RFC 4648 §5) as JWTs use it: `-` and `_` instead of `+` and `/`, padding omitted.
///
/// Hand-written because Foundation's `Data(base64Encoded:)` accepts only the standard alphabet with padding.
enum Base64URL {
    /// Decodes base64url text with or without trailing padding; `nil` if it is not base64url.
    static func decode(_ text: Substring) -> Data? {
        var unpadded = text
        while unpadded.last == "=" { unpadded = unpadded.dropLast() }
        var standard = String(unpadded).replacing("-", with: "+").replacing("_", with: "/")
        switch standard.utf8.count % 4 {
        case 0: break
        case 2: standard += "=="
        case 3: standard += "="
        default: return nil
        }
        return Data(base64Encoded: standard)
    }
}
