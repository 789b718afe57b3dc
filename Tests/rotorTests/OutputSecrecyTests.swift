import Foundation
import RotorTestSupport
import Testing

/// The check every CLI run of the suite passes through (``OutputSecrecy``) finds what it must, so that its silence
/// elsewhere means something.
@Suite struct OutputSecrecyTests {
    @Test func findsTheTokensOfALoginFileAndOfTheStore() throws {
        let home = try RotorHome()
        defer { home.remove() }
        let login = AuthFile.login(email: "a@example.com", refreshToken: "rt-SECRET-audit")
        let file = try home.writeAuthFile(login, name: "a.json")
        #expect(try home.rotor("accounts", "import", file).status == 0)
        try FileManager.default.removeItem(atPath: file)

        let secrecy = OutputSecrecy(environment: home.environment)
        #expect(secrecy.secrets.values.contains("the stored refresh_token of account a@example.com"))
        let findings = secrecy.findings(in: "refreshing with rt-SECRET-audit failed", output: "stderr")
        #expect(findings.map(\.description) == ["stderr contains the stored refresh_token of account a@example.com"])
    }

    @Test func findsAnyJWTAndTheProxySecretButNotShortPlaceholders() throws {
        let home = try RotorHome()
        defer { home.remove() }
        try FileManager.default.createDirectory(at: home.rotorHome, withIntermediateDirectories: true)
        try Data("c2VjcmV0LXNlY3JldC1zZWNyZXQ=\n".utf8).write(to: home.rotorHome.appending(path: "proxy.secret"))
        try home.writeAuthFile(AuthFile.malformedJWT)
        let secrecy = OutputSecrecy(environment: home.environment)

        let jwt = AuthFile.accessToken(expiry: 1)
        #expect(
            secrecy.findings(in: "Bearer \(jwt)", output: "rotor.log").map(\.secret)
                == ["a JWT (an access or id token)"])
        #expect(secrecy.findings(in: "key c2VjcmV0LXNlY3JldC1zZWNyZXQ=", output: "stdout").map(\.secret)
            == ["the proxy secret in proxy.secret"])
        #expect(secrecy.findings(in: "start the proxy, then rotor accounts list", output: "stdout").isEmpty)
    }

    @Test func aSecretInTheLogIsAnIssue() throws {
        let home = try RotorHome()
        defer { home.remove() }
        try home.writeAuthFile(AuthFile.login(email: "a@example.com", refreshToken: "rt-SECRET-logged"))
        try FileManager.default.createDirectory(
            at: home.rotorHome.appending(path: "logs"), withIntermediateDirectories: true)
        try Data("refresh failed for rt-SECRET-logged\n".utf8)
            .write(to: home.rotorHome.appending(path: "logs/rotor.log"))

        withKnownIssue {
            OutputSecrecy.audit(["stdout": "", "stderr": ""], environment: home.environment)
        } matching: { issue in
            issue.description.contains("rotor.log contains the refresh_token of auth.json")
        }
    }
}
