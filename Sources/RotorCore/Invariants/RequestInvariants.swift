/// A create-response body after rotor enforced what the ChatGPT Codex backend requires of every request.
public struct RewrittenRequest: Hashable, Sendable {
    /// The body to send upstream: the client's bytes with only `stream`, `store` and `include` changed.
    public var body: [UInt8]
    /// Whether the client asked for a stream (`"stream": true`); otherwise rotor answers one JSON response.
    public var clientWantsStream: Bool
    /// The client's `prompt_cache_key`, the preferred conversation key.
    public var promptCacheKey: String?
    /// The client's `model`, when it is a string (for the decision log when the stream does not name one).
    public var model: String?
    /// The members rotor changed or added, in a fixed order (for the log).
    public var changedMembers: [String]
}

/// Enforces what the ChatGPT Codex backend requires of a Responses API request body, byte for byte.
///
/// `stream` becomes `true`, `store` becomes `false`, `include` gains `reasoning.encrypted_content`; nothing else
/// changes: key order, whitespace, number spelling, unknown members and item ids stay exactly as sent.
/// `previous_response_id` is refused because responses are never stored upstream, and so is a body that is not
/// valid JSON, wherever the fault is: rotor forwards only what the scanner checked.
public enum RequestInvariants {
    /// The `include` entry that lets stateless multi-turn conversations replay reasoning.
    public static let encryptedReasoning = "reasoning.encrypted_content"

    /// Rewrites `body` so that it satisfies the invariants, or explains why it cannot be forwarded.
    public static func enforce(on body: [UInt8]) throws(RequestInvariantError) -> RewrittenRequest {
        let scanner = JSONScanner(body)
        let object = try topLevelObject(of: scanner)
        for name in ["stream", "store", "include", "previous_response_id", "prompt_cache_key"]
        where object.members.filter({ $0.key == name }).count > 1 {
            throw .duplicateMember(name)
        }
        let fields = try Fields(of: object, in: scanner)
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
            model: fields.model,
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
            throw .invalidJSON(error)
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

    /// The members rotor reads, each `null` or absent (nil) or of the type the Responses API gives it.
    private struct Fields {
        var stream: Bool?
        var include: [String]?
        var previousResponseID: String?
        var promptCacheKey: String?
        var model: String?

        /// Reads the members from the layout of a validated body.
        init(of object: JSONObjectLayout, in scanner: JSONScanner) throws(RequestInvariantError) {
            stream = try Self.boolean("stream", of: object, in: scanner)
            _ = try Self.boolean("store", of: object, in: scanner)
            include = try Self.strings("include", of: object, in: scanner)
            previousResponseID = try Self.string("previous_response_id", of: object, in: scanner)
            promptCacheKey = try Self.string("prompt_cache_key", of: object, in: scanner)
            // Only read for the decision log: a model of another type is the upstream's to refuse.
            model = (try? Self.string("model", of: object, in: scanner)) ?? nil
        }

        private static func boolean(
            _ name: String,
            of object: JSONObjectLayout,
            in scanner: JSONScanner
        ) throws(RequestInvariantError) -> Bool? {
            guard let member = object.member(name) else { return nil }
            let value = scanner.bytes[member.valueRange]
            if value.elementsEqual("true".utf8) { return true }
            if value.elementsEqual("false".utf8) { return false }
            if value.elementsEqual("null".utf8) { return nil }
            throw .invalidMember(name, expected: "true or false")
        }

        private static func string(
            _ name: String,
            of object: JSONObjectLayout,
            in scanner: JSONScanner
        ) throws(RequestInvariantError) -> String? {
            guard let member = object.member(name) else { return nil }
            if scanner.bytes[member.valueRange].elementsEqual("null".utf8) { return nil }
            guard let value = try? scanner.string(at: member.valueRange.lowerBound) else {
                throw .invalidMember(name, expected: "a string")
            }
            return value.value
        }

        private static func strings(
            _ name: String,
            of object: JSONObjectLayout,
            in scanner: JSONScanner
        ) throws(RequestInvariantError) -> [String]? {
            guard let member = object.member(name) else { return nil }
            if scanner.bytes[member.valueRange].elementsEqual("null".utf8) { return nil }
            guard let array = try? scanner.array(at: member.valueRange.lowerBound) else {
                throw .invalidMember(name, expected: "an array of strings")
            }
            var values: [String] = []
            for element in array.elements {
                guard let value = try? scanner.string(at: element.lowerBound) else {
                    throw .invalidMember(name, expected: "an array of strings")
                }
                values.append(value.value)
            }
            return values
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
            throw .invalidJSON(error)
        }
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
            throw .invalidJSON(error)
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
