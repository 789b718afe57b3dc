import Foundation
import Testing

@testable import RotorCore

struct Base64URLTests {
    /// RFC 4648's test vectors, in the URL alphabet and without padding; bytes that need `+` and `/` in standard
    /// base64 come out as `-` and `_`.
    @Test(arguments: [
        ("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"), ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE"),
        ("foobar", "Zm9vYmFy"),
    ])
    func encodesAndDecodes(text: String, encoded: String) {
        #expect(Base64URL.encode(Array(text.utf8)) == encoded)
        #expect(Base64URL.decode(encoded) == Data(text.utf8))
    }

    @Test func usesTheURLAlphabet() {
        #expect(Base64URL.encode([0xfb, 0xff, 0xbf]) == "-_-_")
        #expect(Base64URL.decode("-_-_") == Data([0xfb, 0xff, 0xbf]))
    }

    /// Trailing padding is accepted; the standard alphabet, other characters and a dangling character are not.
    @Test func decodingIsStrict() {
        #expect(Base64URL.decode("Zm8=") == Data("fo".utf8))
        #expect(Base64URL.decode("+/+/") == nil)
        #expect(Base64URL.decode("Zm9v!") == nil)
        #expect(Base64URL.decode("Zm9vY") == nil)
        #expect(Base64URL.decode("Zm 9v") == nil)
    }
}
