import Foundation
import RotorCore
import Testing

struct AccountTests {
    /// The short id is the first 8 hex digits of the full lower-case id.
    @Test func shortIDIsPrefixOfRawValue() throws {
        let id = try #require(AccountID("0A1B2C3D-0000-4000-8000-000000000000"))
        #expect(id.rawValue == "0a1b2c3d-0000-4000-8000-000000000000")
        #expect(id.shortID == "0a1b2c3d")
    }

    /// Credentials never print their secrets.
    @Test func credentialsAreRedacted() {
        let credentials = AccountCredentials(idToken: "id-secret", accessToken: "at-secret", refreshToken: "rt-secret")
        #expect(!"\(credentials)".contains("secret"))
        #expect(!String(reflecting: credentials).contains("secret"))
    }
}
