import Foundation
import Testing

/// Files rotor creates are private from creation, whatever the umask.
struct StateDirectoryPermissionTests {
    /// Under `umask 000` the state directory (and logs/, locks/) is 0700 and every file in it 0600.
    @Test func privateUnderUmaskZero() throws {
        let home = try RotorHome()
        defer { home.remove() }
        try home.writeAuthFile(AuthFile.login(email: "a@x.io"))
        let imported = try home.rotor("accounts", "import", shellPrefix: "umask 000")
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(try home.rotor("accounts", "list", shellPrefix: "umask 000").status == 0)

        var seen: [String: Int] = [:]
        let enumerator = try #require(FileManager.default.enumerator(atPath: home.rotorHome.path))
        for case let relative as String in enumerator {
            let path = home.rotorHome.appending(path: relative).path
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            seen[relative] = (attributes[.posixPermissions] as? Int ?? -1) & 0o777
            let expected = attributes[.type] as? FileAttributeType == .typeDirectory ? 0o700 : 0o600
            #expect(seen[relative] == expected, "\(relative) is \(String(seen[relative] ?? -1, radix: 8))")
        }
        #expect(try mode(home.rotorHome) == 0o700)
        #expect(seen["rotor.sqlite"] == 0o600)
        #expect(seen["logs"] == 0o700 && seen["locks"] == 0o700)
    }

    private func mode(_ url: URL) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int ?? -1) & 0o777
    }
}
