import ArgumentParser
import Foundation
import Testing

@testable import rotor

struct AccountsAddTests {
    /// One login method at a time; the browser is the default; `--label` names the account.
    @Test func parsesMethodAndLabel() throws {
        let plain = try #require(try Rotor.parseAsRoot(["accounts", "add"]) as? Rotor.Accounts.Add)
        #expect(plain.method == .browser && plain.label == nil)
        let device = try #require(
            try Rotor.parseAsRoot(["accounts", "add", "--device", "--label", "work"]) as? Rotor.Accounts.Add
        )
        #expect(device.method == .device && device.label == "work")
        let paste = try #require(try Rotor.parseAsRoot(["accounts", "add", "--no-browser"]) as? Rotor.Accounts.Add)
        #expect(paste.method == .noBrowser)
        #expect(throws: (any Error).self) { try Rotor.parseAsRoot(["accounts", "add", "--device", "--no-browser"]) }
    }

    /// `--help` shows the examples.
    @Test func helpHasExamples() {
        let help = Rotor.Accounts.Add.helpMessage()
        #expect(help.contains("rotor accounts add --device"))
        #expect(help.contains("rotor accounts add --no-browser"))
        #expect(help.contains("ROTOR_LOGIN_TIMEOUT"))
    }

    /// `--no-browser` prints the complete authorize URL (of `$ROTOR_AUTH_ISSUER`) and the paste prompt on stderr;
    /// text that is not the redirect asks again; the end of the input fails with one line and exit 66.
    @Test func pasteFlowPrintsTheURLAndEndsWithTheInput() throws {
        let home = try RotorHome()
        defer { home.remove() }
        var environment = home.environment
        environment["ROTOR_AUTH_ISSUER"] = "http://127.0.0.1:9"
        let result = try RotorExecutable.run(
            ["accounts", "add", "--no-browser"],
            environment: environment,
            input: "not the address\n"
        )
        #expect(result.status == 66)
        #expect(result.stdout.isEmpty)
        let url = try #require(result.stderr.split(separator: "\n").first { $0.hasPrefix("  http://") })
        #expect(
            url.hasPrefix(
                "  http://127.0.0.1:9/oauth/authorize?response_type=code&client_id=app_EMoamEEZ73f0CkXaXp7hrann"))
        #expect(url.contains("redirect_uri=http%3A%2F%2Flocalhost%3A1455%2Fauth%2Fcallback"))
        #expect(url.contains("code_challenge_method=S256") && url.contains("prompt=login"))
        #expect(result.stderr.contains("Copy that page's full address and paste it here:"))
        #expect(result.stderr.contains("That is not the address the login ended on"))
        let expected =
            "rotor: standard input ended before the redirect URL was pasted; "
            + "run `rotor accounts add --no-browser` in a terminal"
        #expect(result.stderrLines.last.map(String.init) == expected)
    }

    /// An issuer that refuses connections is reported at once as unreachable (69, "connection refused"), not
    /// retried silently until the request's time limit.
    @Test func refusedIssuerIsReportedAtOnce() throws {
        let home = try RotorHome()
        defer { home.remove() }
        var environment = home.environment
        environment["ROTOR_AUTH_ISSUER"] = "http://127.0.0.1:9"
        let result = try RotorExecutable.run(["accounts", "add", "--device"], environment: environment)
        #expect(result.status == 69, "\(result.stderr)")
        #expect(result.stderrLines.count == 1, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("rotor: cannot reach the login server http://127.0.0.1:9"))
        #expect(result.stderr.contains("connection refused"), "\(result.stderr)")
    }

    /// A malformed `ROTOR_LOGIN_TIMEOUT` or `ROTOR_AUTH_ISSUER` stops the command with one line and exit 78.
    @Test(arguments: [("ROTOR_LOGIN_TIMEOUT", "soon"), ("ROTOR_AUTH_ISSUER", "ftp://example.com")])
    func badEnvironmentIsAConfigurationError(_ name: String, _ value: String) throws {
        let home = try RotorHome()
        defer { home.remove() }
        var environment = home.environment
        environment[name] = value
        let result = try RotorExecutable.run(["accounts", "add", "--device"], environment: environment)
        #expect(result.status == 78)
        #expect(result.stderrLines.count == 1)
        #expect(result.stderrLines.first?.hasPrefix("rotor: \(name)") == true)
    }
}
