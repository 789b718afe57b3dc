#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Response header fields as the upstream client hands them over: lower-case names, in arrival order.
public typealias HeaderFields = [(name: String, value: String)]

/// Lookups in ``HeaderFields``.
enum HeaderLookup {
    /// The trimmed value of the first field named `name` (lower-case), or `nil`.
    static func value(_ name: String, in headers: HeaderFields) -> String? {
        for field in headers where field.name == name {
            return String(field.value.trimmingOptionalWhitespace)
        }
        return nil
    }

    /// The first field named `name` as a finite number, or `nil`.
    static func number(_ name: String, in headers: HeaderFields) -> Double? {
        guard let text = value(name, in: headers), text.utf8.count <= 64, let number = Double(text),
            number.isFinite
        else { return nil }
        return number
    }
}
