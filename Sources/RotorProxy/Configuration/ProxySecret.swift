import Foundation
import RotorCore
import RotorPlatform

#if canImport(Glibc)
import Glibc
#endif

/// The per-proxy secret that every local client must present (`Authorization: Bearer <secret>` or `x-api-key`).
///
/// 32 random bytes, written as one line of unpadded base64url. Never logged: its description is redacted.
public struct ProxySecret: Sendable, CustomStringConvertible {
    /// The secret as clients send it.
    public let text: String

    /// The number of random bytes in a generated secret.
    public static let byteCount = 32

    /// Wraps a secret's text as clients send it.
    public init(text: String) {
        self.text = text
    }

    /// A fresh secret from the system's cryptographically secure generator.
    public static func generate() -> ProxySecret {
        var generator = SystemRandomNumberGenerator()
        return generate(using: &generator)
    }

    /// A secret drawn from `generator` (tests pass a seeded one).
    public static func generate(using generator: inout some RandomNumberGenerator) -> ProxySecret {
        let bytes = (0..<byteCount).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return ProxySecret(text: Base64URL.encode(bytes))
    }

    /// Whether `candidate` is this secret, compared in constant time (time depends only on the secret's length).
    public func matches(_ candidate: some StringProtocol) -> Bool {
        let expected = Array(text.utf8)
        let given = Array(candidate.utf8)
        var difference: UInt8 = expected.count == given.count ? 0 : 1
        for index in expected.indices {
            difference |= expected[index] ^ (index < given.count ? given[index] : 0)
        }
        return difference == 0
    }

    public var description: String { "ProxySecret(<redacted>)" }

    /// Reads the secret at `path`, or generates one and writes it there (mode 0600, `O_CLOEXEC`, never replacing).
    ///
    /// An existing file must be private to its owner and hold one base64url line of at least 16 bytes.
    public static func loadOrCreate(at path: String) throws(ProxySecretError) -> ProxySecret {
        for _ in 0..<2 {
            let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
            if fd >= 0 {
                defer { close(fd) }
                return try load(fd: fd, path: path)
            }
            guard errno == ENOENT else { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
            let secret = generate()
            switch create(secret, at: path) {
            case .created: return secret
            case .alreadyExists: continue
            case .failed(let reason): throw .cannotCreate(path: path, reason: reason)
            }
        }
        throw .unreadable(path: path, reason: "it keeps appearing and disappearing")
    }

    private enum CreateOutcome {
        case created
        case alreadyExists
        case failed(String)
    }

    private static func create(_ secret: ProxySecret, at path: String) -> CreateOutcome {
        let fd: Int32
        do {
            fd = try PrivateFile.open(path, flags: O_WRONLY | O_EXCL | O_NOFOLLOW)
        } catch {
            return error.step == .open && error.error == .fileExists ? .alreadyExists : .failed(error.description)
        }
        defer { PrivateFile.close(fd) }
        do {
            try DescriptorOutput.writeAll(secret.text + "\n", to: fd)
        } catch {
            unlink(path)
            return .failed(error.description)
        }
        return .created
    }

    private static func load(fd: Int32, path: String) throws(ProxySecretError) -> ProxySecret {
        guard let permissions = PrivateFile.permissions(ofDescriptor: fd) else {
            throw .unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        guard permissions & 0o077 == 0 else { throw .notPrivate(path: path) }
        var buffer = [UInt8](repeating: 0, count: 1024)
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count >= 0 else { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
        var text = String(decoding: buffer[..<count], as: UTF8.self)
        while text.last == "\n" || text.last == "\r" { text.removeLast() }
        guard let decoded = Base64URL.decode(text), decoded.count >= 16 else { throw .malformed(path: path) }
        return ProxySecret(text: text)
    }
}
