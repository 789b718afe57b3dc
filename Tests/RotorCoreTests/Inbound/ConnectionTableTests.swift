import RotorCore
import RotorTestSupport
import Testing

/// ``ConnectionTable``: at the cap a newcomer closes the oldest connection without a request head, never a working
/// one, and is refused when every connection is working.
struct ConnectionTableTests {
    /// Up to the capacity every newcomer is admitted.
    @Test func admitsUpToTheCapacity() {
        var table = ConnectionTable<Int>(capacity: 3)
        #expect([1, 2, 3].map { table.admit($0) } == [.admitted, .admitted, .admitted])
        #expect(table.count == 3)
    }

    /// At the cap each newcomer evicts the oldest connection still without a head; working ones are skipped.
    @Test func evictsTheOldestWithoutAHead() {
        var table = ConnectionTable<Int>(capacity: 4)
        for id in 1...4 { _ = table.admit(id) }
        table.headDelivered(1)
        table.headDelivered(3)
        #expect(table.admit(5) == .admittedByEvicting(2))
        #expect(table.admit(6) == .admittedByEvicting(4))
        #expect(table.admit(7) == .admittedByEvicting(5), "newcomers line up behind the older ones")
        #expect(table.count == 4)
    }

    /// When every connection is working the newcomer is refused; a working one closing makes room again.
    @Test func refusesWhenEveryConnectionIsWorking() {
        var table = ConnectionTable<Int>(capacity: 2)
        _ = table.admit(1)
        _ = table.admit(2)
        table.headDelivered(1)
        table.headDelivered(2)
        #expect(table.admit(3) == .refused)
        #expect(table.count == 2)
        table.closed(2)
        #expect(table.admit(3) == .admitted)
    }

    /// Closing frees a place; an evicted, refused or unknown connection closing, or delivering a head, changes
    /// nothing; admitting one already held changes nothing.
    @Test func closingAndStrayReports() {
        var table = ConnectionTable<Int>(capacity: 2)
        _ = table.admit(1)
        _ = table.admit(2)
        #expect(table.admit(3) == .admittedByEvicting(1))
        table.closed(1)
        table.headDelivered(1)
        table.closed(99)
        #expect(table.count == 2)
        #expect(table.admit(2) == .admitted)
        #expect(table.count == 2)
        table.closed(2)
        #expect(table.count == 1)
        #expect(table.admit(4) == .admitted)
    }

    /// A seeded random life of many connections against a model of the rule: the count never exceeds the cap, the
    /// evicted connection is always the oldest without a head, and a newcomer is refused only when all work.
    @Test(arguments: [UInt64(1), 2, 3, 42])
    func followsTheRuleUnderRandomTraffic(seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        var table = ConnectionTable<Int>(capacity: 8)
        var open: [Int] = []
        var working: Set<Int> = []
        for id in 0..<2_000 {
            switch Int.random(in: 0..<3, using: &generator) {
            case 0:
                let oldestWithoutHead = open.first { !working.contains($0) }
                switch table.admit(id) {
                case .admitted:
                    #expect(open.count < 8)
                    open.append(id)
                case .admittedByEvicting(let evicted):
                    #expect(open.count == 8)
                    #expect(evicted == oldestWithoutHead)
                    open.removeAll { $0 == evicted }
                    open.append(id)
                case .refused:
                    #expect(open.count == 8 && oldestWithoutHead == nil)
                }
            case 1:
                if let chosen = open.randomElement(using: &generator) {
                    table.headDelivered(chosen)
                    working.insert(chosen)
                }
            default:
                if let chosen = open.randomElement(using: &generator) {
                    table.closed(chosen)
                    open.removeAll { $0 == chosen }
                    working.remove(chosen)
                }
            }
            #expect(table.count == open.count)
        }
    }
}
