import Foundation
import RotorCore
import RotorStore

#if canImport(Glibc)
import Glibc
#endif

/// A `rotor proxy` process over a temporary state directory holding `accounts` accounts, pointed at the bench
/// upstream; optionally run under `valgrind --tool=callgrind`.
final class ProxyProcess {
    let process = Process()
    let target: BenchClient.Target
    let home: URL
    let callgrindOutput: URL?

    init(rotor: String, upstream: String, accounts: Int, callgrind: Bool = false) throws {
        home = FileManager.default.temporaryDirectory.appending(path: "rotor-bench-\(UUID().uuidString)")
        let store = try AccountStore(directory: StateDirectory(url: home))
        for index in 0..<accounts {
            try store.saveLogin(Self.login(index))
        }
        var environment = ProcessInfo.processInfo.environment
        environment["ROTOR_HOME"] = home.path
        environment["ROTOR_UPSTREAM_URL"] = upstream
        environment["ROTOR_LOG_LEVEL"] = "error"
        if callgrind {
            let output = home.appending(path: "callgrind.out")
            callgrindOutput = output
            process.executableURL = URL(fileURLWithPath: "/usr/bin/valgrind")
            // Instrumentation starts off: start-up and warm-up are not counted; ``countInstructions(_:)`` switches it
            // on only around the requests measured.
            process.arguments = [
                "--tool=callgrind", "--instr-atstart=no", "--callgrind-out-file=\(output.path)", rotor, "proxy", "--json",
            ]
        } else {
            callgrindOutput = nil
            process.executableURL = URL(fileURLWithPath: rotor)
            process.arguments = ["proxy", "--json"]
        }
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        guard let line = Self.readLine(output.fileHandleForReading),
            let ready = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
            let url = ready["url"] as? String, let secretFile = ready["secret_file"] as? String
        else {
            process.terminate()
            throw BenchFailure("rotor proxy did not start; build it first (swift build -c release)")
        }
        let secret = try String(contentsOfFile: secretFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        target = BenchClient.Target(name: "rotor", url: url.hasSuffix("/") ? url + "responses" : url + "/responses", bearer: secret)
    }

    /// Stops rotor (SIGTERM, a graceful stop) and removes its state directory; returns callgrind's instruction
    /// count when it ran under callgrind.
    @discardableResult
    func stop(keepingProfileAt profile: String? = nil) -> Int? {
        process.terminate()
        process.waitUntilExit()
        defer { try? FileManager.default.removeItem(at: home) }
        guard let callgrindOutput, let text = try? String(contentsOf: callgrindOutput, encoding: .utf8) else { return nil }
        if let profile {
            try? FileManager.default.removeItem(atPath: profile)
            try? FileManager.default.copyItem(at: callgrindOutput, to: URL(fileURLWithPath: profile))
        }
        let summary = text.split(separator: "\n").first { $0.hasPrefix("summary:") || $0.hasPrefix("totals:") }
        return summary.flatMap { Int($0.split(separator: " ").last ?? "") }
    }

    /// Runs `body` with callgrind's instrumentation on (a process started with `callgrind: true`), so that the
    /// instruction count ``stop()`` returns covers `body` alone.
    func countInstructions(_ body: () async throws -> Void) async throws {
        try Self.callgrindControl(["--instr=on", "\(process.processIdentifier)"])
        try await body()
        try Self.callgrindControl(["--instr=off", "\(process.processIdentifier)"])
    }

    private static func callgrindControl(_ arguments: [String]) throws {
        let control = Process()
        control.executableURL = URL(fileURLWithPath: "/usr/bin/callgrind_control")
        control.arguments = arguments
        control.standardOutput = FileHandle.nullDevice
        control.standardError = FileHandle.nullDevice
        try control.run()
        control.waitUntilExit()
        guard control.terminationStatus == 0 else {
            throw BenchFailure("callgrind_control \(arguments.joined(separator: " ")) failed")
        }
    }

    /// Resident memory in KiB.
    var residentKiB: Int {
        let status = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }

    /// User plus system CPU time so far.
    var cpuTime: Duration {
        let stat = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8)) ?? ""
        let fields = stat.split(separator: ")").last?.split(separator: " ") ?? []
        // After the command name: state is field 3, utime 14 and stime 15 (1-based, man 5 proc).
        guard fields.count > 12, let user = Int(fields[11]), let system = Int(fields[12]) else { return .zero }
        return .milliseconds((user + system) * 1000 / Int(sysconf(Int32(_SC_CLK_TCK))))
    }

    private static func login(_ index: Int) -> AccountLogin {
        let id = "acct-bench-\(index)"
        let claims = #"{"email":"bench\#(index)@example.com","exp":4000000000,"https://api.openai.com/auth":{"chatgpt_account_id":"\#(id)"}}"#
        let token = "\(base64URL(#"{"alg":"none"}"#)).\(base64URL(claims)).sig"
        return AccountLogin(
            email: "bench\(index)@example.com",
            chatgptAccountID: id,
            plan: "plus",
            credentials: AccountCredentials(idToken: token, accessToken: token, refreshToken: "rt-\(index)"),
            accessTokenExpiresAt: Date(timeIntervalSince1970: 4_000_000_000)
        )
    }

    private static func readLine(_ handle: FileHandle) -> String? {
        var bytes: [UInt8] = []
        while let byte = try? handle.read(upToCount: 1), let first = byte.first {
            if first == UInt8(ascii: "\n") { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(first)
        }
        return nil
    }
}
