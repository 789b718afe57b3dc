import Foundation
import RotorProxy
import RotorTestSupport
import Testing

struct ProxySecretTests {
    /// A new secret file holds one base64url line of 32 bytes and is created with mode 0600; loading it again
    /// gives the same secret.
    @Test func createsAPrivateFileAndReusesIt() throws {
        let directory = try TemporaryDirectory(prefix: "rotor-secret")
        defer { directory.remove() }
        let path = directory.path("proxy.secret")
        let created = try ProxySecret.loadOrCreate(at: path)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let contents = try String(contentsOfFile: path, encoding: .utf8)
        #expect(contents == created.text + "\n")
        #expect(created.text.count == 43)
        #expect(created.text.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        #expect(try ProxySecret.loadOrCreate(at: path).text == created.text)
    }

    /// A secret file others can read is refused, as is one that does not hold a secret.
    @Test func refusesUnsafeOrMalformedFiles() throws {
        let directory = try TemporaryDirectory(prefix: "rotor-secret")
        defer { directory.remove() }
        let path = directory.path("proxy.secret")
        _ = try ProxySecret.loadOrCreate(at: path)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        #expect(throws: ProxySecretError.notPrivate(path: path)) { try ProxySecret.loadOrCreate(at: path) }
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        try Data("not a secret!\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: ProxySecretError.malformed(path: path)) { try ProxySecret.loadOrCreate(at: path) }
    }

    /// Comparison accepts only the exact secret; the secret never prints.
    @Test func matchesOnlyTheExactSecret() {
        let secret = ProxySecret.generate()
        #expect(secret.matches(secret.text))
        #expect(!secret.matches(secret.text + "x"))
        #expect(!secret.matches(String(secret.text.dropLast())))
        #expect(!secret.matches(""))
        #expect(!"\(secret)".contains(secret.text))
        #expect(ProxySecret.generate().text != secret.text)
    }
}
