import Logging
import NIOCore
import RotorCore
import Synchronization

/// The client connections the proxy holds, shared by all of them: admits each new one within
/// `ROTOR_MAX_CONNECTIONS` and closes the one that makes room for it (``ConnectionTable`` decides which).
///
/// Connections are admitted in the order the server accepts them, by ``ConnectionAdmissionHandler`` on the server
/// channel, so "oldest" means first accepted. Hummingbird offers no hook on the server channel before it listens,
/// so the server accepts nothing (``AdmissionGate``) until that handler is in place.
final class ClientConnections: Sendable {
    private struct State {
        var table: ConnectionTable<ObjectIdentifier>
        /// Every connection admitted and not closed yet, an evicted one included until it has closed (so its
        /// identifier cannot be taken by a new connection meanwhile).
        var channels: [ObjectIdentifier: any Channel] = [:]
    }

    /// The most connections held at once.
    let capacity: Int
    private let state: Mutex<State>
    private let admitting = Atomic<Bool>(false)
    private let logger: Logger

    /// Holds at most `capacity` connections.
    init(capacity: Int, logger: Logger) {
        self.capacity = capacity
        state = Mutex(State(table: ConnectionTable(capacity: capacity)))
        self.logger = logger
    }

    /// Admits `channel`, closing the connection that makes room for it; `false` when it is refused, for the caller
    /// to close.
    func admit(_ channel: any Channel) -> Bool {
        let id = ObjectIdentifier(channel)
        switch state.withLock({ enter(channel, id: id, into: &$0) }) {
        case .refused:
            logger.debug("client connection refused: every connection is at work",
                         metadata: ["rotor.max-connections": "\(capacity)"])
            return false
        case .admitted(let evicted):
            channel.closeFuture.whenComplete { _ in self.closed(id) }
            if let evicted {
                logger.debug("client connection closed to make room", metadata: ["rotor.max-connections": "\(capacity)"])
                evicted.close(promise: nil)
            }
            return true
        }
    }

    /// What entering a connection in the table came to.
    private enum Entry {
        /// Admitted; `evicted`, if any, is to be closed to make room.
        case admitted(evicted: (any Channel)?)
        case refused
    }

    private func enter(_ channel: any Channel, id: ObjectIdentifier, into state: inout State) -> Entry {
        switch state.table.admit(id) {
        case .admitted:
            state.channels[id] = channel
            return .admitted(evicted: nil)
        case .admittedByEvicting(let victim):
            state.channels[id] = channel
            return .admitted(evicted: state.channels[victim])
        case .refused:
            return .refused
        }
    }

    /// `channel` delivered a complete request head: it is a working client, never closed to make room.
    func headDelivered(_ channel: any Channel) {
        state.withLock { $0.table.headDelivered(ObjectIdentifier(channel)) }
    }

    /// Whether the server may accept connections: only once ``admitConnections(acceptedBy:)`` has put the admission
    /// handler in place.
    var isAdmitting: Bool { admitting.load(ordering: .acquiring) }

    /// Puts ``ConnectionAdmissionHandler`` in front of `serverChannel`'s pipeline, then lets the server accept: every
    /// connection is admitted before it is set up.
    func admitConnections(acceptedBy serverChannel: any Channel) async {
        do {
            try await serverChannel.eventLoop.submit {
                try serverChannel.pipeline.syncOperations.addHandler(ConnectionAdmissionHandler(self), position: .first)
                self.admitting.store(true, ordering: .releasing)
                // The gate held back the first read; reads go on by themselves from here.
                serverChannel.read()
            }.get()
        } catch {
            // Only a server channel that is already closing refuses a handler: there is nothing left to admit.
            logger.debug("connection admission not installed", metadata: ["rotor.error": "\(error)"])
        }
    }

    private func closed(_ id: ObjectIdentifier) {
        state.withLock { state in
            state.table.closed(id)
            state.channels[id] = nil
        }
    }
}
