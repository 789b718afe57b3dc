/// The client connections a server holds, up to a capacity: whether a newcomer is let in, and which connection
/// closes to make room for it.
///
/// A connection that has delivered a complete request head is a working client and is never closed to make room;
/// of the others, the oldest goes first. When every connection is working, a newcomer is refused.
public struct ConnectionTable<ID: Hashable & Sendable>: Sendable {
    /// What happens to a newcomer.
    public enum Admission: Hashable, Sendable {
        /// It is in; there was room.
        case admitted
        /// It is in, and the connection `ID` — the oldest without a request head — must be closed to make room.
        case admittedByEvicting(ID)
        /// It is out: every connection is working.
        case refused
    }

    /// The most connections held at once.
    public let capacity: Int
    /// Connections that have not delivered a head, oldest first.
    private var awaitingHead: [ID] = []
    /// Connections that have.
    private var working: Set<ID> = []

    /// An empty table holding at most `capacity` (at least 1) connections.
    public init(capacity: Int) {
        precondition(capacity > 0, "a connection table must hold at least one connection")
        self.capacity = capacity
    }

    /// The connections held.
    public var count: Int { awaitingHead.count + working.count }

    /// A new connection `id` arrived. Admitting a connection already held changes nothing.
    public mutating func admit(_ id: ID) -> Admission {
        if working.contains(id) || awaitingHead.contains(id) { return .admitted }
        if count < capacity {
            awaitingHead.append(id)
            return .admitted
        }
        guard !awaitingHead.isEmpty else { return .refused }
        let evicted = awaitingHead.removeFirst()
        awaitingHead.append(id)
        return .admittedByEvicting(evicted)
    }

    /// Connection `id` delivered a complete request head: from now on it is never evicted.
    public mutating func headDelivered(_ id: ID) {
        guard let index = awaitingHead.firstIndex(of: id) else { return }
        awaitingHead.remove(at: index)
        working.insert(id)
    }

    /// Connection `id` closed (an evicted or unknown one changes nothing).
    public mutating func closed(_ id: ID) {
        if working.remove(id) == nil, let index = awaitingHead.firstIndex(of: id) {
            awaitingHead.remove(at: index)
        }
    }
}
