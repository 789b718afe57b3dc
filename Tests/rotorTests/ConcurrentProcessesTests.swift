import Foundation
import Testing

/// Several rotor processes share one ROTOR_HOME.
struct ConcurrentProcessesTests {
    /// Two processes importing and listing at once against a fresh ROTOR_HOME never lose or duplicate an account.
    @Test func concurrentImportsKeepEveryAccount() async throws {
        let home = try RotorHome()
        defer { home.remove() }
        var scripts: [String] = []
        for worker in ["a", "b"] {
            var lines = ["set -e"]
            for index in 1...5 {
                let email = "\(worker)\(index)@x.io"
                let path = try home.writeAuthFile(AuthFile.login(email: email), name: "\(worker)\(index).json")
                lines.append("\"$ROTOR\" accounts import '\(path)' >/dev/null")
                lines.append("\"$ROTOR\" accounts list --json >/dev/null")
            }
            let shared = try home.writeAuthFile(AuthFile.login(email: "shared@x.io"), name: "shared-\(worker).json")
            lines.append("\"$ROTOR\" accounts import '\(shared)' >/dev/null")
            scripts.append(lines.joined(separator: "\n"))
        }
        var shellEnvironment = home.environment
        shellEnvironment["ROTOR"] = RotorExecutable.url.path
        let environment = shellEnvironment
        let results = try await withThrowingTaskGroup(of: RotorExecutable.Result.self) { group in
            for script in scripts {
                group.addTask {
                    try RotorExecutable.run(["-c", script], environment: environment, executable: "/bin/sh")
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        for result in results {
            #expect(result.status == 0, "\(result.stderr)")
        }
        let emails = try listJSON(home).compactMap { $0["email"] as? String }
        #expect(emails.count == 11)
        #expect(Set(emails) == Set(["a", "b"].flatMap { w in (1...5).map { "\(w)\($0)@x.io" } } + ["shared@x.io"]))
    }
}
