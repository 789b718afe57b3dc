import Hummingbird
import Logging

@testable import RotorAuth

#if canImport(Glibc)
import Glibc
#endif

/// Loopback ports held by the test, to make the login's ports busy.
enum Occupied {
    /// Runs `body` while a server of the test listens on 127.0.0.1:`port` (0 = a free port, passed to `body`).
    /// With `orAlreadyBusy`, a port that something else already holds is just as busy, and `body` runs anyway.
    static func port<T>(_ port: Int = 0, orAlreadyBusy: Bool = false, _ body: (Int) async throws -> T) async throws -> T
    {
        let logger = Logger(label: "occupier") { _ in SwiftLogNoOpLogHandler() }
        let router = Router()
        do {
            return try await LoopbackServer.withServer(
                router.buildResponder(), host: "127.0.0.1", port: port, logger: logger, body)
        } catch let failure as LoopbackServer.StartFailure where orAlreadyBusy && failure.isAddressInUse {
            return try await body(port)
        }
    }

    /// Whether this machine has the IPv6 loopback address ::1.
    static var hasIPv6Loopback: Bool {
        let descriptor = socket(AF_INET6, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in6()
        address.sin6_family = sa_family_t(AF_INET6)
        address.sin6_addr = in6addr_loopback
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) == 0
            }
        }
    }

    /// Whether nothing listens on 127.0.0.1:`port` right now.
    static func isFree(_ port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
