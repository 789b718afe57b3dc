import Foundation
import RotorCore
import RotorTestSupport
import Testing

struct AccountIDTests {
    /// Random UUIDs from a fixed seed, with every byte value likely to appear.
    private static func sampleUUIDs(count: Int = 500) -> [UUID] {
        var generator = SeededGenerator(seed: 42)
        return (0..<count).map { _ in
            let bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
            return UUID(uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
            ))
        }
    }

    /// The id's text is Foundation's canonical spelling in lower case, and parses back, in either case, to the same
    /// UUID Foundation parses.
    @Test func textMatchesFoundationsSpellingAndParsesBack() throws {
        for uuid in Self.sampleUUIDs() {
            let id = AccountID(uuid)
            #expect(id.rawValue == uuid.uuidString.lowercased())
            #expect(AccountID(uuid.uuidString)?.uuid == uuid)
            #expect(AccountID(uuid.uuidString.lowercased())?.uuid == uuid)
        }
    }

    /// Only the canonical hyphenated spelling parses (Foundation's `sscanf`-based parser also took a leading space and
    /// a one-digit last byte, which rotor never wrote).
    @Test(arguments: [
        "", "0a1b2c3d00004000800000000000000000",
        "0a1b2c3d-0000-4000-8000-00000000000", "0a1b2c3d-0000-4000-8000-0000000000000",
        "0a1b2c3d-0000-4000-8000_000000000000", "0a1b2c3d-00004-000-8000-000000000000",
        "0a1b2c3g-0000-4000-8000-000000000000", "{0a1b2c3d-0000-4000-8000-000000000000}",
        " 0a1b2c3d-0000-4000-8000-00000000000", "0a1b2c3d-0000-4000-8000-00000000000é",
    ])
    func refusesOtherSpellings(_ text: String) {
        #expect(AccountID(text) == nil)
    }

    /// Ids sort as their text sorts.
    @Test func ordersAsItsText() {
        let ids = Self.sampleUUIDs(count: 200).map(AccountID.init)
        #expect(ids.sorted().map(\.rawValue) == ids.map(\.rawValue).sorted())
        for (left, right) in zip(ids, ids.dropFirst()) {
            #expect((left < right) == (left.rawValue < right.rawValue))
        }
    }
}
