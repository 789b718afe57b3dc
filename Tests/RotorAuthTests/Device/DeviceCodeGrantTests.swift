import Foundation
import Testing

@testable import RotorAuth

struct DeviceCodeGrantTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// The real server's shape: `interval` as a string, `user_code`, ISO 8601 `expires_at`.
    @Test func readsTheRealShape() throws {
        let body = #"{"device_auth_id":"d","user_code":"AB-12","interval":"7","expires_at":"2027-01-15T08:10:00.123Z"}"#
        let grant = try DeviceCodeGrant.parse(Data(body.utf8), now: now)
        #expect(grant.deviceAuthID == "d")
        #expect(grant.userCode == "AB-12")
        #expect(grant.interval == .seconds(7))
        #expect(grant.expiresAt == Date(timeIntervalSince1970: 1_800_000_000 + 600.123))
        #expect(grant.lifetime(now: now) == .milliseconds(600_123))
    }

    /// `usercode`, a numeric interval and `expires_in` are accepted too.
    @Test func readsTheAlternativeSpellings() throws {
        let body = #"{"device_auth_id":"d","usercode":"XY","interval":3,"expires_in":120}"#
        let grant = try DeviceCodeGrant.parse(Data(body.utf8), now: now)
        #expect(grant.userCode == "XY")
        #expect(grant.interval == .seconds(3))
        #expect(grant.lifetime(now: now) == .seconds(120))
    }

    /// No expiry means 15 minutes; a later expiry is cut to 15 minutes; no interval means 5 s.
    @Test func defaults() throws {
        let plain = try DeviceCodeGrant.parse(Data(#"{"device_auth_id":"d","user_code":"C"}"#.utf8), now: now)
        #expect(plain.interval == .seconds(5))
        #expect(plain.lifetime(now: now) == .seconds(900))
        let long = try DeviceCodeGrant.parse(
            Data(#"{"device_auth_id":"d","user_code":"C","expires_in":"7200"}"#.utf8), now: now)
        #expect(long.lifetime(now: now) == .seconds(900))
    }

    /// Without the id or the code there is nothing to poll.
    @Test(arguments: [
        #"{"user_code":"C"}"#, #"{"device_auth_id":"d"}"#, #"{"device_auth_id":"d","user_code":""}"#, "[]",
    ])
    func refusesIncompleteGrants(_ body: String) {
        #expect(throws: LoginError.self) { try DeviceCodeGrant.parse(Data(body.utf8), now: now) }
    }
}
