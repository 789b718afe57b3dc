import Foundation
import RotorCore

extension StatusReport {
    /// Cells of a window's bar when styled: one per 5 %.
    static let barWidth = 20

    /// The pool line, then one block per account, separated by blank lines; times local to ``timeZone``.
    ///
    /// Plain text carries the same words as styled text, without colour and without the bars.
    func text(style: TextStyle) -> String {
        var poolLine = "\(pool.ready) of \(pool.total) ready"
        if pool.reserved > 0 { poolLine += " · \(pool.reserved) reserved" }
        if let next = pool.nextReset {
            poolLine += " · next reset \(ClockTime.format(next, now: now, timeZone: timeZone))"
        }
        poolLine += " · weekly left: \(PercentText(pool.weeklyLeftPercent)) of one account"
        guard !entries.isEmpty else { return style.paint(poolLine, .bold) + "\n\n" + AccountsTable.noAccounts }
        let nameWidth = entries.flatMap(\.windows).map { Self.name(of: $0).count }.max() ?? 0
        let blocks = entries.map { block($0, nameWidth: nameWidth, style: style) }
        return ([style.paint(poolLine, .bold)] + blocks).joined(separator: "\n\n") + "\n"
    }

    private func block(_ entry: Entry, nameWidth: Int, style: TextStyle) -> String {
        var header = [style.paint(AccountsTable.name(of: entry.account), .bold)]
        if let plan = entry.account.plan { header.append(plan) }
        header.append(entry.shown.reservation.map { style.paint($0.description, .yellow) }
            ?? stateText(entry.shown.state, style: style))
        var lines = [header.joined(separator: " · ")]
        for window in entry.windows {
            lines.append("  " + windowLine(window, nameWidth: nameWidth, style: style))
        }
        lines.append("  " + style.paint(freshness(of: entry), entry.refreshError == nil ? .dim : .yellow))
        lines.append("  " + style.paint(Self.todayText(entry.today), .dim))
        return lines.joined(separator: "\n")
    }

    /// `ready`, `cooling 41m (usage-limit)`, `needs-login (refresh_token_reused)`, `disabled (…)`.
    private func stateText(_ state: AccountState, style: TextStyle) -> String {
        switch state {
        case .ready:
            style.paint("ready", .green)
        case .cooling(let until, let reason):
            style.paint("cooling \(DurationText(from: now, to: until)) (\(reason.rawValue))", .yellow)
        case .needsLogin(let reason), .disabled(let reason):
            style.paint("\(state.name) (\(reason))", .red)
        }
    }

    /// `5h      ████░░░…   42% used · resets 16:10`; the bar only when styled.
    private func windowLine(_ window: Window, nameWidth: Int, style: TextStyle) -> String {
        let name = Self.name(of: window)
        var line = name + String(repeating: " ", count: max(0, nameWidth - name.count)) + "  "
        if style == .styled {
            let filled = min(Self.barWidth, max(0, Int((window.usedPercent / 100 * Double(Self.barWidth)).rounded())))
            let paint: TextStyle.Paint = window.usedPercent >= 90 ? .red : window.usedPercent >= 70 ? .yellow : .green
            line += style.paint(String(repeating: "█", count: filled), paint)
                + style.paint(String(repeating: "░", count: Self.barWidth - filled), .dim) + "  "
        }
        let percent = PercentText(window.usedPercent).description
        line += String(repeating: " ", count: max(0, 5 - percent.count)) + percent + " used"
        if let resetsAt = window.resetsAt {
            let time = ClockTime.format(resetsAt, now: now, timeZone: timeZone)
            line += resetsAt > now ? " · resets \(time)" : " · started over \(time)"
        }
        return line
    }

    /// `usage as of 3m ago · last used 13:57`, with why a refresh failed when it did.
    private func freshness(of entry: Entry) -> String {
        let age = entry.usageObservedAt.map { "as of \(DurationText(from: $0, to: now)) ago" }
        var text: String
        if let reason = entry.refreshError {
            text = "usage refresh failed: \(reason) — " + (age.map { "showing numbers \($0)" } ?? "no usage seen yet")
        } else {
            text = age.map { "usage \($0)" } ?? "no usage seen yet"
        }
        text += entry.account.lastUsedAt.map { " · last used \(ClockTime.format($0, now: now, timeZone: timeZone))" }
            ?? " · never used"
        return text
    }

    /// `today: 2 requests · 300 in (150 cached) · 120 out (30 reasoning)`, or `today: no requests`.
    private static func todayText(_ sums: UsageReport.Sums) -> String {
        guard sums.requests > 0 else { return "today: no requests" }
        let grouped = DecisionLogText.grouped
        return "today: \(grouped(sums.requests)) request\(sums.requests == 1 ? "" : "s")"
            + " · \(grouped(sums.input)) in (\(grouped(sums.cachedInput)) cached)"
            + " · \(grouped(sums.output)) out (\(grouped(sums.reasoning)) reasoning)"
    }

    /// A window's name by its length, `unknown` when the server did not say.
    private static func name(of window: Window) -> String {
        window.name?.description ?? "unknown"
    }
}
