import RotorCore
import Testing

struct ByteEditTests {
    /// Edits apply in one pass regardless of the order they are given in; untouched bytes stay.
    @Test func appliesEditsInOrder() {
        let bytes = Array("0123456789".utf8)
        let edited = ByteEdit.apply(
            [ByteEdit(inserting: Array("X".utf8), at: 10), ByteEdit(replacing: 2..<4, with: Array("ab".utf8)), ByteEdit(replacing: 0..<1, with: [])],
            to: bytes
        )
        #expect(String(decoding: edited, as: UTF8.self) == "1ab456789X")
    }
}
