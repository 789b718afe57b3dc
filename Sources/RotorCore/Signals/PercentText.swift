/// A percentage as rotor prints it everywhere: at most one decimal, none when whole (`42%`, `42.5%`).
public struct PercentText: CustomStringConvertible, Sendable {
    /// The percentage, 0 to 100 (not clamped).
    public var value: Double

    public init(_ value: Double) {
        self.value = value
    }

    /// The number without the sign (`42`, `42.5`), as JSON-free text for tables.
    public var number: String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? "\(Int(rounded))" : "\(rounded)"
    }

    /// The number and the sign (`42%`, `42.5%`).
    public var description: String { number + "%" }
}
