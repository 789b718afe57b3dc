import Foundation
import RotorCore
import Testing

/// Of two logins of one account, the newer is the one whose access token expires later.
struct LoginRecencyTests {
    let early = Date(timeIntervalSince1970: 2_000_000_000)
    let late = Date(timeIntervalSince1970: 2_000_003_600)

    func login(_ refreshToken: String) -> AccountCredentials {
        AccountCredentials(idToken: "id", accessToken: "at-\(refreshToken)", refreshToken: refreshToken)
    }

    @Test func theSameRefreshTokenIsUnchanged() {
        #expect(
            LoginRecency(stored: login("rt-1"), storedExpiresAt: late, arriving: login("rt-1"), arrivingExpiresAt: early)
                == .unchanged)
    }

    @Test func aLaterStoredExpiryKeepsTheStoredLogin() {
        #expect(
            LoginRecency(stored: login("rt-2"), storedExpiresAt: late, arriving: login("rt-1"), arrivingExpiresAt: early)
                == .storedIsNewer)
        #expect(
            LoginRecency(stored: login("rt-2"), storedExpiresAt: late, arriving: login("rt-1"), arrivingExpiresAt: nil)
                == .storedIsNewer)
    }

    @Test func anEqualOrLaterArrivingExpiryReplacesIt() {
        #expect(
            LoginRecency(stored: login("rt-1"), storedExpiresAt: early, arriving: login("rt-2"), arrivingExpiresAt: late)
                == .arrivingIsNewer)
        #expect(
            LoginRecency(stored: login("rt-1"), storedExpiresAt: early, arriving: login("rt-2"), arrivingExpiresAt: early)
                == .arrivingIsNewer)
        #expect(
            LoginRecency(stored: login("rt-1"), storedExpiresAt: nil, arriving: login("rt-2"), arrivingExpiresAt: nil)
                == .arrivingIsNewer)
    }
}
