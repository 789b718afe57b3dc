#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A create-response body after rotor enforced what the ChatGPT Codex backend requires of every request.
public struct RewrittenRequest: Hashable, Sendable {
    /// The body to send upstream: the client's bytes with only `stream`, `store` and `include` changed.
    public var body: [UInt8]
    /// Whether the client asked for a stream (`"stream": true`); otherwise rotor answers one JSON response.
    public var clientWantsStream: Bool
    /// The client's `prompt_cache_key`, the preferred conversation key.
    public var promptCacheKey: String?
    /// The members rotor changed or added, in a fixed order (for the log).
    public var changedMembers: [String]
}

/// Enforces what the ChatGPT Codex backend requires of a Responses API request body, byte for byte.
///
/// `stream` becomes `true`, `store` becomes `false`, `include` gains `reasoning.encrypted_content`; nothing else
/// changes: key order, whitespace, number spelling, unknown members and item ids stay exactly as sent.
/// `previous_response_id` is refused because responses are never stored upstream.
public enum RequestInvariants {
    /// The `include` entry that lets stateless multi-turn conversations replay reasoning.
    public static let encryptedReasoning = "reasoning.encrypted_content"

    /// Rewrites `body` so that it satisfies the invariants, or explains why it cannot be forwarded.
    public static func enforce(on body: [UInt8]) throws(RequestInvariantError) -> RewrittenRequest {
        let scanner = JSONScanner(body)
        let object = try topLevelObject(of: scanner)
        let fields = try decodeFields(body)
        for name in ["stream", "store", "include", "previous_response_id", "prompt_cache_key"]
        where object.members.filter({ $0.key == name }).count > 1 {
            throw .duplicateMember(name)
        }
        if fields.previousResponseID != nil { throw .previousResponseID }

        var edits: [ByteEdit] = []
        var missing: [String] = []
        var changed: [String] = []
        let boolean: [(name: String, literal: String)] = [("stream", "true"), ("store", "false")]
        for (name, literal) in boolean {
            if let member = object.member(name) {
                if Array(body[member.valueRange]) != Array(literal.utf8) {
                    edits.append(ByteEdit(replacing: member.valueRange, with: Array(literal.utf8)))
                    changed.append(name)
                }
            } else {
                missing.append("\"\(name)\":\(literal)")
                changed.append(name)
            }
        }
        switch try includeChange(object: object, fields: fields, scanner: scanner) {
        case .none:
            break
        case .edit(let edit):
            edits.append(edit)
            changed.append("include")
        case .insert(let member):
            missing.append(member)
            changed.append("include")
        }
        if !missing.isEmpty {
            edits.append(insertion(of: missing, into: object))
        }
        return RewrittenRequest(
            body: ByteEdit.apply(edits, to: body),
            clientWantsStream: fields.stream == true,
            promptCacheKey: fields.promptCacheKey,
            changedMembers: changed
        )
    }

    /// `body` with every top-level `input` item whose `type` is `reasoning` removed, other bytes unchanged.
    ///
    /// Used once when another account refuses reasoning `encrypted_content` minted elsewhere.
    public static func removingReasoningItems(from body: [UInt8]) throws(RequestInvariantError) -> [UInt8] {
        let scanner = JSONScanner(body)
        let object = try topLevelObject(of: scanner)
        guard let input = object.member("input"), body[input.valueRange.lowerBound] == UInt8(ascii: "[") else {
            return body
        }
        let items: JSONArrayLayout
        do {
            items = try scanner.array(at: input.valueRange.lowerBound)
        } catch {
            throw .invalidJSON("\(error)")
        }
        let reasoning = items.elements.indices.filter { index in
            let element = items.elements[index]
            guard body[element.lowerBound] == UInt8(ascii: "{"),
                let item = try? scanner.object(at: element.lowerBound),
                let type = item.member("type"),
                let value = try? scanner.string(at: type.valueRange.lowerBound)
            else { return false }
            return value.value == "reasoning"
        }
        guard !reasoning.isEmpty else { return body }
        let kept = items.elements.indices.filter { !reasoning.contains($0) }.map { items.elements[$0] }
        let separator = separatorBytes(in: body, items: items)
        var replacement: [UInt8] = []
        for (position, element) in kept.enumerated() {
            if position > 0 { replacement.append(contentsOf: separator) }
            replacement.append(contentsOf: body[element])
        }
        let first = items.elements[0].lowerBound
        let last = items.elements[items.elements.count - 1].upperBound
        return ByteEdit.apply([ByteEdit(replacing: first..<last, with: replacement)], to: body)
    }

    /// The members rotor reads; decoding them validates the document and their types.
    private struct Fields: Decodable {
        var stream: Bool?
        var store: Bool?
        var include: [String]?
        var previousResponseID: String?
        var promptCacheKey: String?

        enum CodingKeys: String, CodingKey {
            case stream, store, include
            case previousResponseID = "previous_response_id"
            case promptCacheKey = "prompt_cache_key"
        }
    }

    private enum IncludeChange {
        case none
        case edit(ByteEdit)
        case insert(String)
    }

    private static func topLevelObject(of scanner: JSONScanner) throws(RequestInvariantError) -> JSONObjectLayout {
        do {
            return try scanner.documentObject()
        } catch {
            let start = scanner.skipWhitespace(from: 0)
            if start >= scanner.bytes.count || scanner.bytes[start] != UInt8(ascii: "{") {
                throw .notAnObject(error)
            }
            throw .invalidJSON("\(error)")
        }
    }

    /// Decodes the members rotor reads, which also validates the whole document's syntax.
    private static func decodeFields(_ body: [UInt8]) throws(RequestInvariantError) -> Fields {
        do {
            return try JSONDecoder().decode(Fields.self, from: Data(body))
        } catch let DecodingError.typeMismatch(_, context) {
            throw invalidMember(at: context)
        } catch let DecodingError.valueNotFound(_, context) {
            throw invalidMember(at: context)
        } catch {
            throw .invalidJSON("the JSON decoder rejected it")
        }
    }

    private static func invalidMember(at context: DecodingError.Context) -> RequestInvariantError {
        let name = context.codingPath.first?.stringValue ?? "?"
        let expected =
            switch name {
            case "stream", "store": "true or false"
            case "include": "an array of strings"
            default: "a string"
            }
        return .invalidMember(name, expected: expected)
    }

    private static func includeChange(
        object: JSONObjectLayout,
        fields: Fields,
        scanner: JSONScanner
    ) throws(RequestInvariantError) -> IncludeChange {
        let entry = "\"\(encryptedReasoning)\""
        guard let member = object.member("include") else { return .insert("\"include\":[\(entry)]") }
        guard let include = fields.include else {
            return .edit(ByteEdit(replacing: member.valueRange, with: Array("[\(entry)]".utf8)))
        }
        if include.contains(encryptedReasoning) { return .none }
        let array: JSONArrayLayout
        do {
            array = try scanner.array(at: member.valueRange.lowerBound)
        } catch {
            throw .invalidJSON("\(error)")
        }
        guard let last = array.elements.last else {
            return .edit(ByteEdit(replacing: member.valueRange, with: Array("[\(entry)]".utf8)))
        }
        return .edit(ByteEdit(inserting: Array(",\(entry)".utf8), at: last.upperBound))
    }

    /// One edit adding `members` after the object's last member (or inside an empty object).
    private static func insertion(of members: [String], into object: JSONObjectLayout) -> ByteEdit {
        let joined = members.joined(separator: ",")
        if let last = object.members.last {
            return ByteEdit(inserting: Array(",\(joined)".utf8), at: last.valueRange.upperBound)
        }
        return ByteEdit(inserting: Array(joined.utf8), at: object.range.upperBound - 1)
    }

    /// The bytes between the first two items (`,` plus the client's whitespace), or `,` when there is one item.
    private static func separatorBytes(in body: [UInt8], items: JSONArrayLayout) -> [UInt8] {
        guard items.elements.count > 1 else { return Array(",".utf8) }
        return Array(body[items.elements[0].upperBound..<items.elements[1].lowerBound])
    }
}
