import Foundation
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// A blocking TCP connection to 127.0.0.1 for requests no HTTP client library would send (absolute-form targets,
/// CONNECT, forged Host headers, `Expect: 100-continue`). Every read is bounded by a 5 s socket timeout.
///
/// Blocking calls must stay off Swift's cooperative threads (2 on this machine), or parallel tests starve the
/// proxy they talk to: use it only inside ``withRawConnection(port:_:)``.
final class RawConnection {
    private let fd: Int32
    private var buffer: [UInt8] = []
    /// Whether ``readChunks(atLeast:)`` read the last chunk of a body.
    private(set) var chunkedBodyEnded = false

    /// Connects to `port`; a `receiveBufferBytes` fixes the socket's receive buffer (set before connecting, so the
    /// kernel cannot grow it), which makes a client that stops reading push back on the proxy at once.
    init(port: Int, receiveBufferBytes: Int32? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RawHTTPError.socket }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        if var size = receiveBufferBytes {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(fd)
            throw RawHTTPError.connect
        }
    }

    deinit { close(fd) }

    /// Closes both directions at once, as a client that goes away does.
    func hangUp() {
        shutdown(fd, Int32(SHUT_RDWR))
    }

    func send(_ text: String) throws {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard written > 0 else { throw RawHTTPError.write }
            bytes = bytes.dropFirst(written)
        }
    }

    /// Reads one response: status, lower-cased headers, and a `content-length` body.
    func readResponse() throws -> RawResponse {
        while true {
            if let (response, length) = try RawResponse.parse(buffer) {
                buffer.removeFirst(length)
                return response
            }
            try fill()
        }
    }

    /// Reads a response head (status and lower-cased headers) and leaves the body unread.
    func readHead() throws -> RawResponse {
        while true {
            if let (response, length) = try RawResponse.parseHead(buffer) {
                buffer.removeFirst(length)
                return response
            }
            try fill()
        }
    }

    /// Reads chunks of a `transfer-encoding: chunked` body (after ``readHead()``) until at least `count` body bytes
    /// came in this call, or up to the last chunk when `count` is `nil` (or the body ends first); returns the body
    /// bytes read.
    func readChunks(atLeast count: Int? = nil) throws -> [UInt8] {
        var body: [UInt8] = []
        while !chunkedBodyEnded, body.count < count ?? .max {
            let sizeLine = try readLine()
            guard let size = Int(sizeLine.split(separator: ";")[0], radix: 16) else { throw RawHTTPError.malformed }
            if size == 0 {
                _ = try readLine()
                chunkedBodyEnded = true
                return body
            }
            while buffer.count < size + 2 { try fill() }
            body += buffer[..<size]
            buffer.removeFirst(size + 2)
        }
        return body
    }

    private func readLine() throws -> String {
        while true {
            if let end = buffer.firstIndex(of: 10) {
                let line = String(decoding: buffer[..<end], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                buffer.removeFirst(end + 1)
                return line
            }
            try fill()
        }
    }

    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { throw RawHTTPError.closed }
        buffer.append(contentsOf: chunk[..<count])
    }
}

struct RawResponse: Sendable {
    var status: Int
    var headers: [(String, String)]
    var body: String

    func header(_ name: String) -> String? { headers.first { $0.0 == name }?.1 }

    /// The response at the start of `bytes` (its body as long as `content-length` says) and how many bytes it took,
    /// or `nil` while it is incomplete.
    static func parse(_ bytes: [UInt8]) throws -> (response: RawResponse, length: Int)? {
        guard let (head, headLength) = try parseHead(bytes) else { return nil }
        var response = head
        let length = response.header("content-length").flatMap { Int($0) } ?? 0
        guard bytes.count >= headLength + length else { return nil }
        response.body = String(decoding: bytes[headLength..<(headLength + length)], as: UTF8.self)
        return (response, headLength + length)
    }

    /// The response head (status and lower-cased headers, no body) at the start of `bytes` and how many bytes it
    /// took, or `nil` while it is incomplete.
    static func parseHead(_ bytes: [UInt8]) throws -> (response: RawResponse, length: Int)? {
        guard let end = headerEnd(bytes) else { return nil }
        let head = String(decoding: bytes[..<end], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw RawHTTPError.malformed }
        var headers: [(String, String)] = []
        for line in lines where !line.isEmpty {
            let parts = line.split(separator: ":", maxSplits: 1)
            headers.append((parts[0].lowercased(), parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""))
        }
        return (RawResponse(status: status, headers: headers, body: ""), end + 4)
    }

    private static func headerEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 0...(bytes.count - 4)
        where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
            return index
        }
        return nil
    }
}

enum RawHTTPError: Error {
    case socket, connect, write, malformed, closed
}

/// Runs `body` with a raw connection to `port` on NIO's blocking-I/O thread pool.
func withRawConnection<T: Sendable>(
    port: Int,
    receiveBufferBytes: Int32? = nil,
    _ body: @escaping @Sendable (RawConnection) throws -> T
) async throws -> T {
    try await NIOThreadPool.singleton.runIfActive {
        try body(try RawConnection(port: port, receiveBufferBytes: receiveBufferBytes))
    }
}

/// Carries a non-`Sendable` value out of a thread-pool closure; the test then only keeps it alive.
struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value

    init(_ value: Value) {
        self.value = value
    }
}
