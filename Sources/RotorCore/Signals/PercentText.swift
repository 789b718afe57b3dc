/// A percentage as rotor prints it everywhere: at most one decimal (or `decimals`), none when whole (`42%`,
/// `42.5%`).
public struct PercentText: CustomStringConvertible, Sendable {
    /// The percentage, 0 to 100 (not clamped).
    public var value: Double
    /// The most decimals printed: 1, more only where a figure is that small (a request's cost).
    public var decimals: Int

    public init(_ value: Double, decimals: Int = 1) {
        self.value = value
        self.decimals = decimals
    }

    /// The number without the sign (`42`, `42.5`), as JSON-free text for tables.
    public var number: String {
        var scale = 1.0
        for _ in 0..<max(0, decimals) { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        return rounded == rounded.rounded() ? "\(Int(rounded))" : "\(rounded)"
    }

    /// The number and the sign (`42%`, `42.5%`).
    public var description: String { number + "%" }
}
