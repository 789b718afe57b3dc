#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Base64url (RFC 4648 §5): `-` and `_` instead of `+` and `/`, written without padding. JWT segments, the PKCE
/// verifier and challenge, the OAuth `state` and the proxy secret all use it.
///
/// Hand-written because Foundation's base64 knows only the standard alphabet with padding.
public enum Base64URL {
    /// `bytes` as unpadded base64url.
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
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

    /// Decodes base64url text with or without trailing padding; `nil` when it holds any other character or does
    /// not encode whole bytes.
    public static func decode(_ text: some StringProtocol) -> Data? {
        var unpadded = Substring(text)
        while unpadded.last == "=" { unpadded = unpadded.dropLast() }
        guard unpadded.utf8.allSatisfy(isAlphabet) else { return nil }
        var standard = String(unpadded).replacing("-", with: "+").replacing("_", with: "/")
        switch standard.utf8.count % 4 {
        case 0: break
        case 2: standard += "=="
        case 3: standard += "="
        default: return nil
        }
        return Data(base64Encoded: standard)
    }

    private static func isAlphabet(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
            true
        default:
            false
        }
    }
}
