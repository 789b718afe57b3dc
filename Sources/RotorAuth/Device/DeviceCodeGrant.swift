import Foundation

/// The answer of `POST {issuer}/api/accounts/deviceauth/usercode`: what identifies a device login and how to poll it.
public struct DeviceCodeGrant: Sendable, Hashable {
    /// Identifies the login when polling; never shown.
    public var deviceAuthID: String
    /// The one-time code the user types on the verification page.
    public var userCode: String
    /// How long to wait between polls.
    public var interval: Duration
    /// When the code stops working, if the server said.
    public var expiresAt: Date?

    /// A device login waits at most this long, and this long when the server names no expiry.
    public static let maximumLifetime = Duration.seconds(15 * 60)
    /// The poll interval when the server names none (RFC 8628 §3.2).
    public static let defaultInterval = Duration.seconds(5)

    /// Wraps the parts of a grant.
    public init(deviceAuthID: String, userCode: String, interval: Duration, expiresAt: Date?) {
        self.deviceAuthID = deviceAuthID
        self.userCode = userCode
        self.interval = interval
        self.expiresAt = expiresAt
    }

    /// How long the login may wait from `now`: the server's expiry, at most ``maximumLifetime``.
    public func lifetime(now: Date) -> Duration {
        guard let expiresAt else { return Self.maximumLifetime }
        let seconds = expiresAt.timeIntervalSince(now)
        guard seconds > 0 else { return .zero }
        return min(Self.maximumLifetime, .milliseconds(Int64((min(seconds, 1e9) * 1000).rounded())))
    }

    /// Reads the JSON answer: `device_auth_id`; `user_code` (or `usercode`); `interval` in seconds as a number or
    /// a string (the real server sends a string); `expires_at` (ISO 8601) or `expires_in` (seconds), else none.
    /// - Throws: ``LoginError`` (`invalidTokenResponse`) when the id or the code is missing.
    public static func parse(_ body: Data, now: Date) throws(LoginError) -> DeviceCodeGrant {
        let payload: Payload
        do {
            payload = try JSONDecoder().decode(Payload.self, from: body)
        } catch {
            throw .invalidTokenResponse("the device-code answer is not a JSON object")
        }
        guard let deviceAuthID = payload.deviceAuthID, !deviceAuthID.isEmpty else {
            throw .invalidTokenResponse("no device_auth_id")
        }
        guard let userCode = payload.userCode ?? payload.usercode, !userCode.isEmpty else {
            throw .invalidTokenResponse("no user_code")
        }
        var interval = defaultInterval
        if let seconds = payload.interval?.value, seconds.isFinite, seconds >= 0 {
            interval = .milliseconds(Int64(min(seconds, 3600) * 1000))
        }
        var expiresAt = payload.expiresAt.flatMap(Self.date(iso8601:))
        if expiresAt == nil, let seconds = payload.expiresIn?.value, seconds.isFinite, seconds > 0 {
            expiresAt = now.addingTimeInterval(min(seconds, 1e9))
        }
        return DeviceCodeGrant(deviceAuthID: deviceAuthID, userCode: userCode, interval: interval, expiresAt: expiresAt)
    }

    static func date(iso8601 text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }

    private struct Payload: Decodable {
        var deviceAuthID: String?
        var userCode: String?
        var usercode: String?
        var interval: LenientNumber?
        var expiresAt: String?
        var expiresIn: LenientNumber?

        enum CodingKeys: String, CodingKey {
            case deviceAuthID = "device_auth_id"
            case userCode = "user_code"
            case usercode
            case interval
            case expiresAt = "expires_at"
            case expiresIn = "expires_in"
        }
    }
}

extension DeviceCodeGrant: CustomStringConvertible {
    /// Without the device auth id.
    public var description: String { "DeviceCodeGrant(userCode: \(userCode), interval: \(interval))" }
}
