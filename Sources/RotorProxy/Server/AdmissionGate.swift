import HummingbirdCore

/// Keeps the server from accepting connections until ``ConnectionAdmissionHandler`` is in place.
///
/// Hummingbird puts this delegate's handler on the server channel before it listens (rotor's own handler can only
/// be added once it does): connections that arrive meanwhile wait in the kernel's backlog. It counts nothing itself.
struct AdmissionGate: AvailableConnectionsDelegate {
    let connections: ClientConnections

    mutating func connectionOpened() {}

    mutating func connectionClosed() {}

    func isAcceptingNewConnections() -> Bool {
        connections.isAdmitting
    }
}
