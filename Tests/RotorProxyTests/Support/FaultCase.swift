import Foundation
import RotorCore
import RotorProxy
import Testing

/// One row of the fault matrix: a scripted upstream fault, with what the client must see and what every account's
/// state must be afterwards. The first account is always the one chosen first.
struct FaultCase: Sendable {
    /// The row's name.
    var name: String
    /// How the fake upstream plays the fault, in words for the table.
    var fault: String
    /// The accounts of the store, the first chosen first.
    var accounts = ["A", "B"]
    /// How the upstream misbehaves.
    var upstream: UpstreamScript
    /// The proxy's upstream timeouts: short, so that a timeout case takes about a second.
    var timeouts = UpstreamTimeouts(connect: .seconds(2), header: .seconds(5), idle: .seconds(5))
    /// What the client must see.
    var client: ClientExpectation
    /// The decision log of the request, oldest first: `<account> <outcome>` (`-` when no account is named).
    var decisions: [String]
    /// Every account's state afterwards.
    var states: [String: AccountExpectation]
}

/// How the fake upstream misbehaves in a ``FaultCase``.
enum UpstreamScript: Sendable {
    /// The fake upstream answers every request (the token endpoint's included) with this handler.
    case http(FakeUpstream.Handler)
    /// A healthy fake upstream (plain or TLS) behind a ``ConnectionFaultInjector`` playing this fault on every
    /// connection until rotor moves on to another account.
    case connection(ConnectionFault, tls: Bool = false)
}

/// What the client must see.
enum ClientExpectation: Sendable, CustomStringConvertible {
    /// 200 with `stream` byte for byte, served by `account` after `attempts` upstream attempts.
    case served(by: String, attempts: Int, stream: [UInt8] = Array(SSE.okStream.utf8))
    /// 200 with the upstream's whole events `relayed` byte for byte, then rotor's interruption event on its own
    /// (a `response.failed` coded `rotor_stream_interrupted` whose data is JSON).
    case interrupted(by: String, attempts: Int, relayed: String)
    /// An error answer with this status, JSON `error.code` and `Retry-After` seconds.
    case answered(status: Int, code: String, retryAfter: ClosedRange<Int>)

    var description: String {
        switch self {
        case .served(let account, let attempts, _):
            "200 from \(account) on attempt \(attempts), the stream byte for byte"
        case .interrupted(let account, let attempts, let relayed):
            "200 from \(account) on attempt \(attempts): its \(Self.eventCount(relayed)) whole event(s), then a "
                + "standalone `rotor_stream_interrupted` event"
        case .answered(let status, let code, let retryAfter):
            "\(status) `\(code)`, Retry-After \(retryAfter.lowerBound == retryAfter.upperBound ? "" : "≤ ")"
                + "\(retryAfter.upperBound) s"
        }
    }

    /// Why `answer` does not match, or `nil` when it does.
    func mismatch(_ answer: ClientAnswer) -> String? {
        switch self {
        case .served(let account, let attempts, let stream):
            if let wrong = answer.mismatch(status: 200, account: account, attempts: attempts) { return wrong }
            return answer.body == stream ? nil : "the stream changed: \(answer.summary)"
        case .interrupted(let account, let attempts, let relayed):
            if let wrong = answer.mismatch(status: 200, account: account, attempts: attempts) { return wrong }
            guard answer.body.starts(with: Array(relayed.utf8)) else {
                return "the events before the break changed: \(answer.summary)"
            }
            return Self.interruptionMismatch(answer.body.dropFirst(relayed.utf8.count))
        case .answered(let status, let code, let retryAfter):
            guard answer.status == status, answer.errorCode == code else {
                return "expected \(status) \(code), got \(answer.summary)"
            }
            guard let seconds = answer.retryAfter, retryAfter.contains(seconds) else {
                return "Retry-After \(answer.retryAfter.map(String.init) ?? "missing"), expected \(retryAfter)"
            }
            return nil
        }
    }

    /// Why `bytes` are not exactly one well-formed interruption event, or `nil` when they are.
    private static func interruptionMismatch(_ bytes: ArraySlice<UInt8>) -> String? {
        struct Failure: Decodable { var code: String }
        struct Payload: Decodable {
            struct Response: Decodable { var status: String; var error: Failure }
            var type: String
            var response: Response
            var error: Failure
        }
        let text = String(decoding: bytes.prefix(300), as: UTF8.self)
        var parser = ServerSentEventParser()
        guard let events = try? parser.parse(bytes), events.count == 1, parser.finish() == nil,
            let event = events.first, event.type == "response.failed"
        else { return "after the relayed events: not one standalone event but \(text)" }
        guard let payload = try? JSONDecoder().decode(Payload.self, from: Data(event.data)),
            payload.type == "response.failed", payload.response.status == "failed",
            payload.response.error.code == "rotor_stream_interrupted", payload.error.code == "rotor_stream_interrupted"
        else { return "the interruption event's data is not the expected JSON: \(text)" }
        return nil
    }

    private static func eventCount(_ stream: String) -> Int {
        var parser = ServerSentEventParser()
        return ((try? parser.parse(Array(stream.utf8))) ?? []).count
    }
}

/// What the client got from the proxy.
struct ClientAnswer: Sendable {
    var status: Int
    /// The serving account's name (from `x-rotor-account`).
    var account: String?
    /// `x-rotor-attempts`.
    var attempts: Int?
    var retryAfter: Int?
    var body: [UInt8]

    /// The JSON `error.code` of the body, if it has one.
    var errorCode: String? {
        struct Envelope: Decodable {
            struct Failure: Decodable { var code: String? }
            var error: Failure
        }
        return (try? JSONDecoder().decode(Envelope.self, from: Data(body)))?.error.code
    }

    /// Status, account, attempts and the body's event types (or its start), for a failure message.
    var summary: String {
        var parser = ServerSentEventParser()
        let events = ((try? parser.parse(body)) ?? []).compactMap(\.type)
        let content = events.isEmpty
            ? String(decoding: body.prefix(200), as: UTF8.self) : events.joined(separator: ", ")
        return "\(status) from \(account ?? "no account") after \(attempts.map(String.init) ?? "?") attempt(s), "
            + "\(body.count) bytes: \(content)"
    }

    func mismatch(status: Int, account: String, attempts: Int) -> String? {
        self.status == status && self.account == account && self.attempts == attempts
            ? nil : "expected \(status) from \(account) after \(attempts) attempt(s), got \(summary)"
    }
}

/// An account's state after a case.
struct AccountExpectation: Sendable, CustomStringConvertible {
    /// `ready`, `needs-login` or `disabled`.
    var status = "ready"
    /// The cooldown the case leaves, if any.
    var cooldown: CooldownExpectation?
    /// Consecutive failures.
    var failures = 0
    /// Whether the account served the request (its last use is the case's).
    var served: Bool
    /// The stored refresh token, when the case must leave it as it was.
    var refreshToken: String?

    /// Served the request, no cooldown, no failures.
    static let served = AccountExpectation(served: true)
    /// Not sent anything (or only failed without learning anything): ready, no cooldown, no failures.
    static let unused = AccountExpectation(served: false)

    /// Failed once and cools for `reason`, for `seconds` after the failure.
    static func cooling(_ reason: CooldownReason, for seconds: ClosedRange<Double>) -> AccountExpectation {
        AccountExpectation(cooldown: CooldownExpectation(reason: reason, seconds: seconds), failures: 1, served: false)
    }

    /// Served the request, then failed once (after the commit) and cools for `reason`.
    static func servedThenCooling(_ reason: CooldownReason, for seconds: ClosedRange<Double>) -> AccountExpectation {
        AccountExpectation(cooldown: CooldownExpectation(reason: reason, seconds: seconds), failures: 1, served: true)
    }

    /// The same, and still holding the login it had (`refreshToken`).
    func keepingLogin(_ refreshToken: String) -> AccountExpectation {
        var expectation = self
        expectation.refreshToken = refreshToken
        return expectation
    }

    var description: String {
        var parts = [status]
        if served { parts.append("served") }
        if let cooldown {
            parts.append("\(cooldown), \(failures) failure\(failures == 1 ? "" : "s")")
        } else if !served {
            parts.append(refreshToken == nil ? "unused" : "no cooldown")
        }
        if let refreshToken { parts.append("login kept (`\(refreshToken)`)") }
        return parts.joined(separator: ", ")
    }

    /// Why `account` (with its stored `refreshToken`) does not match, or `nil` when it does; the request ran from
    /// `start` to `end`.
    func mismatch(_ account: Account, refreshToken storedRefreshToken: String?, start: Date, end: Date) -> String? {
        var wrong: [String] = []
        if account.status.name != status { wrong.append("status \(account.status.name)") }
        if account.consecutiveFailures != failures { wrong.append("\(account.consecutiveFailures) failures") }
        let servedNow = account.lastUsedAt.map { $0 >= start } ?? false
        if servedNow != served { wrong.append(servedNow ? "served" : "not served") }
        switch (cooldown, account.cooldown) {
        case (nil, nil):
            break
        case (let expected?, let actual?):
            if let why = expected.mismatch(actual, start: start, end: end) { wrong.append(why) }
        case (_, let actual):
            wrong.append(actual.map { "\($0.reason.rawValue) cooldown until \($0.until)" } ?? "no cooldown")
        }
        if let refreshToken, storedRefreshToken != refreshToken { wrong.append("a different refresh token") }
        return wrong.isEmpty ? nil : "expected \(self); got " + wrong.joined(separator: ", ")
    }
}

/// A cooldown's reason and how long after the failure it lasts.
struct CooldownExpectation: Sendable, Equatable, CustomStringConvertible {
    var reason: CooldownReason
    /// Its length in seconds, from the failure (somewhere between the request's start and end).
    var seconds: ClosedRange<Double>

    var description: String {
        let upper = Int(seconds.upperBound)
        let length = seconds.lowerBound == seconds.upperBound ? "\(upper) s" : "≤ \(upper) s"
        return "`\(reason.rawValue)` cooldown \(length)"
    }

    func mismatch(_ cooldown: Cooldown, start: Date, end: Date) -> String? {
        let earliest = start.addingTimeInterval(seconds.lowerBound)
        let latest = end.addingTimeInterval(seconds.upperBound)
        guard cooldown.reason == reason, cooldown.until >= earliest, cooldown.until <= latest else {
            return "`\(cooldown.reason.rawValue)` cooldown ending \(cooldown.until.timeIntervalSince(start)) s after the start"
        }
        return nil
    }
}
