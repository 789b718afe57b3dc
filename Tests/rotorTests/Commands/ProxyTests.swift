import ArgumentParser
import Dispatch
import Foundation
import RotorProxy
import Testing

@testable import rotor

struct ProxyTests {
    /// The ready line: the base URL and the secret file, or one JSON object for scripts.
    @Test func rendersTheReadyLine() {
        let endpoint = ProxyEndpoint(host: .ipv4, port: 4567)
        #expect(
            ProxyReadyLine.render(endpoint, secretFile: "/s/proxy.secret", json: false)
                == "rotor proxy listening on http://127.0.0.1:4567/v1 (secret: /s/proxy.secret)"
        )
        #expect(
            ProxyReadyLine.render(endpoint, secretFile: "/s/proxy.secret", json: true)
                == #"{"healthz":"http://127.0.0.1:4567/healthz","metrics":"http://127.0.0.1:4567/metrics","port":4567,"secret_file":"/s/proxy.secret","url":"http://127.0.0.1:4567/v1"}"#
        )
        #expect(ProxyEndpoint(host: .ipv6, port: 1).baseURL == "http://[::1]:1/v1")
        #expect(ProxyEndpoint(host: .ipv6, port: 1).healthURL == "http://[::1]:1/healthz")
        #expect(ProxyEndpoint(host: .ipv6, port: 1).metricsURL == "http://[::1]:1/metrics")
    }

    /// `--host` takes only the two loopback literals.
    @Test(arguments: [
        (["proxy"], true), (["proxy", "--host", "::1", "--port", "8080", "--json"], true),
        (["proxy", "--host", "0.0.0.0"], false), (["proxy", "--host", "localhost"], false),
        (["proxy", "--port", "70000"], false),
    ])
    func parsesOptions(arguments: [String], valid: Bool) {
        #expect(((try? Rotor.parseAsRoot(arguments)) != nil) == valid)
    }

    /// Any other host exits 64 and says rotor only listens on loopback.
    @Test func refusesNonLoopbackHosts() throws {
        let home = try RotorHome()
        let result = try RotorExecutable.run(["proxy", "--host", "0.0.0.0"], environment: home.environment)
        #expect(result.status == 64)
        #expect(result.stderr.contains("only listens on loopback"))
        #expect(result.stdout.isEmpty)
    }

    /// A malformed bound on client connections stops `rotor proxy` before it listens: one line naming the
    /// variable, exit 78.
    @Test(arguments: [
        ("ROTOR_REQUEST_HEAD_TIMEOUT", "soon"), ("ROTOR_KEEPALIVE_TIMEOUT", "0"), ("ROTOR_BODY_TIMEOUT", "-1"),
        ("ROTOR_MAX_CONNECTIONS", "0"), ("ROTOR_MAX_CONNECTIONS", "many"),
    ])
    func refusesMalformedConnectionBounds(_ name: String, _ value: String) throws {
        let home = try RotorHome()
        defer { home.remove() }
        var environment = home.environment
        environment[name] = value
        // Bounded: a proxy that ignored the variable would serve until `timeout` stops it (status 124).
        let result = try RotorExecutable.run(
            ["10", RotorExecutable.url.path, "proxy"],
            environment: environment,
            executable: "/usr/bin/timeout"
        )
        #expect(result.status == 78, "\(result.stderr)")
        #expect(result.stderrLines.count == 1, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("rotor: \(name)=\(value) is not"))
        #expect(result.stdout.isEmpty)
    }

    /// A config file that fails the check stops `rotor proxy` before it listens, with the file's one-line error
    /// (exit 78).
    @Test func refusesABrokenConfigFile() throws {
        let home = try RotorHome()
        defer { home.remove() }
        try home.writeConfig("[routing]\nreserve = { \"weekly\" = 130 }\n")
        let result = try RotorExecutable.run(
            ["10", RotorExecutable.url.path, "proxy"], environment: home.environment, executable: "/usr/bin/timeout")
        #expect(result.status == 78, "\(result.stderr)")
        #expect(result.stderrLines.count == 1, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("rotor: \(home.configURL.path):2: routing.reserve.weekly: "))
        #expect(result.stdout.isEmpty)
    }

    /// `rotor proxy --json` prints the ready object first, keeps its secret and log private, answers on the
    /// port, and exits 0 on SIGTERM.
    @Test func runsUntilTerminated() throws {
        let home = try RotorHome()
        let secretFile = home.root.appending(path: "custom.secret").path
        let process = Process()
        process.executableURL = RotorExecutable.url
        process.arguments = ["proxy", "--json", "--secret-file", secretFile]
        process.environment = home.environment
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let watchdog = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + 30, execute: watchdog)
        defer { watchdog.cancel() }

        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = stdout.fileHandleForReading.availableData
            guard !chunk.isEmpty else { break }
            line.append(chunk)
        }
        let ready = try #require(try JSONSerialization.jsonObject(with: line) as? [String: Any])
        let port = try #require(ready["port"] as? Int)
        #expect(ready["url"] as? String == "http://127.0.0.1:\(port)/v1")
        #expect(ready["secret_file"] as? String == secretFile)
        #expect(ready["healthz"] as? String == "http://127.0.0.1:\(port)/healthz")
        #expect(ready["metrics"] as? String == "http://127.0.0.1:\(port)/metrics")

        let secretMode = try FileManager.default.attributesOfItem(atPath: secretFile)[.posixPermissions] as? Int
        #expect(secretMode == 0o600)
        #expect(try String(contentsOfFile: secretFile, encoding: .utf8).count == 44)
        let logFile = home.rotorHome.appending(path: "logs/rotor.log").path
        #expect(try FileManager.default.attributesOfItem(atPath: logFile)[.posixPermissions] as? Int == 0o600)
        #expect(Self.acceptsConnections(port: port))

        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)
        let log = try String(contentsOfFile: logFile, encoding: .utf8)
        #expect(log.contains("proxy listening"))
        #expect(log.contains("proxy stopped"))
        let errors = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        OutputSecrecy.audit(
            ["stdout": String(decoding: line, as: UTF8.self), "stderr": errors], environment: home.environment)
        let secrets = OutputSecrecy(environment: home.environment).secrets.values
        #expect(secrets.contains("the proxy secret in custom.secret"))
    }

    private static func acceptsConnections(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }
}
