import Synchronization

/// The port the server actually bound (known only once it listens when port 0 was asked for).
final class BoundPort: Sendable {
    let value = Atomic<Int>(0)

    var current: Int { value.load(ordering: .acquiring) }
}
