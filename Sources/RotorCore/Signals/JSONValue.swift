#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A parsed JSON document for reading a few fields out of upstream bodies and SSE events.
///
/// FoundationEssentials has `JSONDecoder` but no `JSONSerialization`, and upstream error bodies have no fixed
/// shape, so this small tree is decoded instead. It is only ever read, never re-encoded.
enum JSONValue: Hashable, Sendable, Decodable {
    case object([String: JSONValue])
    case array([JSONValue])
    case string(String)
    case number(Double)
    case bool(Bool)
    case null

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// Parses `bytes`; `nil` for anything that is not JSON.
    static func parse(_ bytes: [UInt8]) -> JSONValue? {
        guard !bytes.isEmpty else { return nil }
        return try? JSONDecoder().decode(JSONValue.self, from: Data(bytes))
    }

    /// The member `key` of an object; `nil` for other values or a missing key.
    subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members[key]
    }

    /// The value as a string, when it is one and not empty.
    var string: String? {
        guard case .string(let value) = self, !value.isEmpty else { return nil }
        return value
    }

    /// The value as a finite number; numeric strings (`"1712345678"`) count too.
    var number: Double? {
        switch self {
        case .number(let value):
            return value.isFinite ? value : nil
        case .string(let text):
            guard text.utf8.count <= 64, let value = Double(text.trimmingOptionalWhitespace), value.isFinite else {
                return nil
            }
            return value
        default:
            return nil
        }
    }
}
