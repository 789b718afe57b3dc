import Foundation

/// One benchmark, run as a subcommand of `rotor-bench`.
protocol Benchmark {
    /// The subcommand name.
    static var name: String { get }
    /// One line for the usage text.
    static var summary: String { get }
    /// Runs the benchmark and prints its figures.
    static func run() async
}

/// Per-iteration timings and their order statistics.
struct Timings {
    private(set) var samples: [Duration] = []

    init(capacity: Int) {
        samples.reserveCapacity(capacity)
    }

    /// Times `body` once and keeps the sample.
    mutating func measure<T>(_ body: () -> T) -> T {
        let clock = ContinuousClock()
        let start = clock.now
        let result = body()
        samples.append(start.duration(to: clock.now))
        return result
    }

    /// The value below which `fraction` of the samples fall.
    func percentile(_ fraction: Double) -> Duration {
        let sorted = samples.sorted()
        guard !sorted.isEmpty else { return .zero }
        let index = min(sorted.count - 1, Int((Double(sorted.count - 1) * fraction).rounded()))
        return sorted[index]
    }
}

extension Duration {
    /// `1.23 µs`-style text.
    var microsecondsText: String {
        let (seconds, attoseconds) = components
        let micro = Double(seconds) * 1e6 + Double(attoseconds) * 1e-12
        return micro < 10 ? String(format2: micro) + " µs" : String(Int(micro.rounded())) + " µs"
    }
}

extension String {
    /// A number with two decimals, without Foundation's formatters.
    init(format2 value: Double) {
        guard value >= 0 else {
            self = "-" + String(format2: -value)
            return
        }
        let hundredths = Int((value * 100).rounded())
        let fraction = hundredths % 100
        self = "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    /// The text right-aligned in `width` columns.
    func padded(_ width: Int) -> String {
        String(repeating: " ", count: max(0, width - count)) + self
    }
}

/// `text`'s UTF-8 in base64url without padding (the parts of the unsigned JWTs the benchmarks store).
func base64URL(_ text: String) -> String {
    Data(text.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-")
        .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
}
