/// A usage window's name, from its length alone: 300 minutes is `5h`, 10,080 minutes is `weekly`, any other length
/// is `<N>d` or `<N>h` when whole, else `<N>m`.
///
/// The server reports a window in a position (`primary`, `secondary`) that is not stable: some plans send their weekly
/// window first, some have only a weekly window. Everything a user reads or writes (status, log, config) names a
/// window by its length.
public struct UsageWindowName: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The window's length in minutes.
    public var minutes: Int

    /// The five-hour window.
    public static let fiveHours = UsageWindowName(minutes: 300)
    /// The weekly window.
    public static let weekly = UsageWindowName(minutes: 10_080)

    /// The name of a window `minutes` long.
    public init(minutes: Int) {
        self.minutes = minutes
    }

    /// The window a user names in text: `weekly`, else a positive whole number and a unit, `d` (days), `h` (hours)
    /// or `m` (minutes): `5h`, `2d`, `90m`. `nil` for anything else, for 0 and for a length too large to count in
    /// minutes. Different spellings of one length name one window (`7d` is `weekly`, `60m` is `1h`).
    public init?(_ text: String) {
        if text == "weekly" {
            self = .weekly
            return
        }
        let unitMinutes: Int
        switch text.last {
        case "d": unitMinutes = 1_440
        case "h": unitMinutes = 60
        case "m": unitMinutes = 1
        default: return nil
        }
        let digits = text.utf8.dropLast()
        guard !digits.isEmpty, digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            return nil
        }
        var count = 0
        for digit in digits {
            let (tens, tensOverflow) = count.multipliedReportingOverflow(by: 10)
            let (sum, sumOverflow) = tens.addingReportingOverflow(Int(digit - UInt8(ascii: "0")))
            guard !tensOverflow, !sumOverflow else { return nil }
            count = sum
        }
        let (minutes, overflow) = count.multipliedReportingOverflow(by: unitMinutes)
        guard !overflow, minutes > 0 else { return nil }
        self.init(minutes: minutes)
    }

    /// `5h`, `weekly`, else `<N>d` or `<N>h` when whole, else `<N>m`.
    public var description: String {
        if minutes == Self.weekly.minutes { return "weekly" }
        if minutes > 0, minutes % 1_440 == 0 { return "\(minutes / 1_440)d" }
        if minutes > 0, minutes % 60 == 0 { return "\(minutes / 60)h" }
        return "\(minutes)m"
    }

    /// Shorter windows first.
    public static func < (lhs: UsageWindowName, rhs: UsageWindowName) -> Bool {
        lhs.minutes < rhs.minutes
    }
}

extension UsageWindow {
    /// The window's name by its length; `nil` when the server did not report its length.
    public var name: UsageWindowName? {
        windowMinutes.map(UsageWindowName.init(minutes:))
    }
}

extension UsageSnapshot {
    /// The snapshot's window named `name`, whichever position it arrived in; `nil` when it has none of that length.
    public func window(named name: UsageWindowName) -> UsageWindow? {
        [primary, secondary].lazy.compactMap { $0 }.first { $0.name == name }
    }
}
