import RotorTestSupport
import Testing

/// The gate holds its waiters until opened, lets later waiters straight through, and releases a cancelled waiter.
struct GateTests {
    @Test func waitersPassOnceOpened() async throws {
        let gate = Gate()
        #expect(!gate.isOpen)
        try await withTimeout(.seconds(10)) {
            async let waiter: Void = gate.wait()
            gate.open()
            await waiter
            await gate.wait()
        }
        #expect(gate.isOpen)
    }

    @Test func cancelledWaiterPasses() async throws {
        let gate = Gate()
        try await withTimeout(.seconds(10)) {
            let waiter = Task { await gate.wait() }
            waiter.cancel()
            await waiter.value
        }
        #expect(!gate.isOpen)
    }
}
