/// The samples of a Prometheus text exposition, keyed by each sample's name and labels as written
/// (`rotor_requests_total{outcome="success"}`), with the metric types its `# TYPE` lines declare.
///
/// Strict on purpose: a line that is neither a comment nor `<series> <number>` fails the parse. Hand-written because
/// no Swift package here parses the text format; the e2e tests read the same output with the official Python parser
/// (`prometheus_client`).
struct PrometheusSamples {
    var values: [String: Double] = [:]
    var types: [String: String] = [:]

    struct Malformed: Error, CustomStringConvertible {
        var line: String
        var description: String { "not a Prometheus sample line: \(line)" }
    }

    init(_ text: String) throws {
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                guard parts.count == 4 else { throw Malformed(line: String(line)) }
                types[String(parts[2])] = String(parts[3])
                continue
            }
            if line.hasPrefix("#") { continue }
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                throw Malformed(line: String(line))
            }
            let series = String(line[..<space])
            guard values[series] == nil else { throw Malformed(line: "repeated: \(line)") }
            values[series] = value
        }
    }

    /// The value of `series`; `nil` when it is absent.
    subscript(_ series: String) -> Double? { values[series] }

    /// Every series of the metric `name` (its samples with labels or none), by key.
    func family(_ name: String) -> [String: Double] {
        values.filter { $0.key == name || $0.key.hasPrefix(name + "{") }
    }
}
