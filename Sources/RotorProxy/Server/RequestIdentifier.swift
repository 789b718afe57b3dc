/// The proxy's id for one client request: on every log line, in `x-rotor-request-id`, in the decision log.
struct RequestIdentifier: Hashable, Sendable, CustomStringConvertible {
    let value: String

    /// A fresh random id (16 hex digits).
    static func make() -> RequestIdentifier {
        var generator = SystemRandomNumberGenerator()
        let number = generator.next() as UInt64
        let hex = String(number, radix: 16)
        return RequestIdentifier(value: String(repeating: "0", count: 16 - hex.count) + hex)
    }

    var description: String { value }
}
