import Foundation
import RotorCore
import RotorStore

/// What `rotor log` prints: one block per request — its time, id, hashed conversation and the version of the
/// routing policy that routed it, one line per attempt
/// (account, upstream status, classification, cooldown set, why), then how it ended: the account that served it,
/// time to first byte, bytes, tokens and model.
enum DecisionLogText {
    /// The blocks of `requests`, in the order given, separated by blank lines; times local to `timeZone`.
    static func render(_ requests: [AccountStore.LoggedRequest], accounts: [Account], now: Date, timeZone: TimeZone)
        -> String
    {
        guard !requests.isEmpty else {
            return "No requests recorded yet: requests appear here once `rotor run` or `rotor proxy` served them.\n"
        }
        let names = AccountNames(accounts)
        return requests.map { block($0, names: names, now: now, timeZone: timeZone) }.joined(separator: "\n")
    }

    private static func block(
        _ request: AccountStore.LoggedRequest,
        names: AccountNames,
        now: Date,
        timeZone: TimeZone
    ) -> String {
        let first = request.records.first
        var header = first.map { ClockTime.format($0.time, now: now, timeZone: timeZone, seconds: true) } ?? "-"
        header += "  request \(request.requestID)"
        if let conversation = request.records.lazy.compactMap(\.conversationKeyHash).first {
            header += "  conversation \(conversation)"
        }
        if let version = request.records.lazy.compactMap(\.policyVersion).first {
            header += "  policy \(version)"
        }
        var lines = [header]
        for record in request.records {
            lines.append("  " + attemptLine(record, names: names, now: now, timeZone: timeZone))
        }
        lines.append("  " + ending(of: request.records, names: names))
        return lines.joined(separator: "\n") + "\n"
    }

    private static func attemptLine(_ record: DecisionRecord, names: AccountNames, now: Date, timeZone: TimeZone)
        -> String
    {
        var cells = [
            record.attempt > 0 ? "#\(record.attempt)" : "-",
            record.accountID.map(names.name) ?? "no account",
            record.upstreamStatus.map(String.init) ?? "-",
            record.outcome.rawValue,
        ]
        if let until = record.cooldownUntil, let reason = record.cooldownReason {
            cells.append("cooldown until \(ClockTime.format(until, now: now, timeZone: timeZone)) (\(reason.rawValue))")
        }
        return cells.joined(separator: "  ") + ": " + record.reason
    }

    /// How the request ended, from its last row.
    private static func ending(of records: [DecisionRecord], names: AccountNames) -> String {
        guard let last = records.last else { return "no rows" }
        let account = last.accountID.map(names.name)
        switch last.outcome {
        case .success:
            return "served by \(account ?? "-")" + details(of: last)
        case .interrupted:
            return "interrupted on \(account ?? "-")" + details(of: last)
        case .clientClosed:
            guard let account else { return "the client left before an account could serve" }
            guard last.upstreamStatus != nil else { return "the client left during the attempt on \(account)" }
            return "the client left; \(account) had relayed" + details(of: last)
        case .passThrough:
            return "\(account ?? "the upstream")'s answer \(last.upstreamStatus.map(String.init) ?? "") relayed"
        case .poolDry, .gaveUp:
            return "answered by rotor (\(last.outcome.rawValue))"
        case .usageLimit, .rateLimit, .overloaded, .network, .timeout, .unauthorized, .needsLogin, .disabled,
            .reasoningRejected, .refreshFailed:
            return "unfinished: no row says how the request ended"
        }
    }

    /// ` · first byte 412 ms · 18,200 bytes · tokens 1,200 in (800 cached), 300 out (120 reasoning) · gpt-5-codex`.
    private static func details(of record: DecisionRecord) -> String {
        var parts: [String] = []
        if let firstByte = record.firstByteMilliseconds { parts.append("first byte \(firstByte) ms") }
        parts.append("\(grouped(record.bytes)) bytes")
        if let input = record.inputTokens, let output = record.outputTokens {
            var tokens = "tokens \(grouped(input)) in"
            if let cached = record.cachedInputTokens { tokens += " (\(grouped(cached)) cached)" }
            tokens += ", \(grouped(output)) out"
            if let reasoning = record.reasoningTokens { tokens += " (\(grouped(reasoning)) reasoning)" }
            parts.append(tokens)
        }
        if let model = record.model { parts.append(model) }
        return " · " + parts.joined(separator: " · ")
    }

    /// `value` with a comma between groups of three digits (`18,200`).
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return (value < 0 ? "-" : "") + out
    }
}

/// Account names for the log: the label, or the short id of an account removed since.
struct AccountNames {
    private let labels: [AccountID: String]

    init(_ accounts: [Account]) {
        labels = Dictionary(accounts.map { ($0.id, $0.label) }, uniquingKeysWith: { first, _ in first })
    }

    func name(_ id: AccountID) -> String {
        labels[id] ?? "\(id.shortID) (removed)"
    }

    func label(_ id: AccountID) -> String? {
        labels[id]
    }
}
