/// A replacement of one byte range of a document; an empty range inserts.
public struct ByteEdit: Hashable, Sendable {
    /// The bytes replaced (empty to insert at `range.lowerBound`).
    public var range: Range<Int>
    /// What goes in their place.
    public var replacement: [UInt8]

    /// Replaces `range` with `replacement`.
    public init(replacing range: Range<Int>, with replacement: [UInt8]) {
        self.range = range
        self.replacement = replacement
    }

    /// Inserts `bytes` at `offset`.
    public init(inserting bytes: [UInt8], at offset: Int) {
        self.init(replacing: offset..<offset, with: bytes)
    }

    /// Applies non-overlapping `edits` to `bytes` in one pass; every byte outside the edited ranges is kept as is.
    public static func apply(_ edits: [ByteEdit], to bytes: [UInt8]) -> [UInt8] {
        guard !edits.isEmpty else { return bytes }
        let ordered = edits.sorted { ($0.range.lowerBound, $0.range.upperBound) < ($1.range.lowerBound, $1.range.upperBound) }
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count + ordered.reduce(0) { $0 + $1.replacement.count })
        var cursor = 0
        for edit in ordered {
            precondition(edit.range.lowerBound >= cursor, "overlapping byte edits")
            result.append(contentsOf: bytes[cursor..<edit.range.lowerBound])
            result.append(contentsOf: edit.replacement)
            cursor = edit.range.upperBound
        }
        result.append(contentsOf: bytes[cursor...])
        return result
    }
}
