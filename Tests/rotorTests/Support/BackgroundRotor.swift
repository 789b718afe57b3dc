import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A `rotor …` process running in the background whose stdout (inherited by its child) is a pipe the test reads,
/// so a test can learn the child's process ID and see the child's end as end-of-file. Every wait is bounded. Once it
/// has exited, what it printed and logged is checked for tokens and secrets (``OutputSecrecy``).
final class BackgroundRotor {
    /// How long any single wait lasts before the test fails.
    static let timeout: Duration = .seconds(20)

    let process = Process()
    private let output = Pipe()
    private let exits: AsyncStream<Int32>
    private var buffered: [UInt8] = []
    private var printed: [UInt8] = []
    private let environment: [String: String]
    private let stderrPath: String

    /// Starts `rotor arguments…` (or `executable arguments…`) with exactly `environment`, stdin from /dev/null and
    /// stderr to `stderrPath`.
    init(
        _ arguments: [String],
        environment: [String: String],
        stderrPath: String,
        executable: URL = RotorExecutable.url
    ) throws {
        let (exits, continuation) = AsyncStream<Int32>.makeStream()
        self.exits = exits
        self.environment = environment
        self.stderrPath = stderrPath
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        process.terminationHandler = { process in
            continuation.yield(process.terminationStatus)
            continuation.finish()
        }
        try process.run()
        try output.fileHandleForWriting.close()
    }

    /// rotor's process ID.
    var processID: pid_t { process.processIdentifier }

    /// The next line the child wrote to stdout (without the newline).
    func readLine() throws -> String {
        while true {
            if let newline = buffered.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffered[..<newline], as: UTF8.self)
                buffered.removeSubrange(...newline)
                return line
            }
            guard let bytes = try readChunk(), !bytes.isEmpty else {
                throw BackgroundRotorError("stdout ended before a whole line: \(buffered)")
            }
            buffered += bytes
        }
    }

    /// Everything not read yet, up to the moment every writer of stdout has closed it.
    func readToEnd() throws -> String {
        var bytes = buffered
        buffered = []
        while let chunk = try readChunk(), !chunk.isEmpty { bytes += chunk }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Waits until every writer of stdout (rotor and its child) has closed it: they have all ended.
    func awaitEndOfOutput() throws {
        while let bytes = try readChunk(), !bytes.isEmpty {}
    }

    /// Waits for rotor to exit, checks its outputs for secrets, and returns its status (the signal number if a
    /// signal killed it).
    func exitStatus(sourceLocation: SourceLocation = #_sourceLocation) async throws -> Int32 {
        let processID = processID
        return try await withThrowingTaskGroup(of: Int32?.self) { group in
            group.addTask { [exits] in await exits.first { _ in true } }
            group.addTask {
                try await Task.sleep(for: Self.timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let status = try await group.next() ?? nil else {
                kill(processID, SIGKILL)
                throw BackgroundRotorError("rotor \(processID) still running after \(Self.timeout)")
            }
            auditOutputs(sourceLocation: sourceLocation)
            return status
        }
    }

    private func auditOutputs(sourceLocation: SourceLocation) {
        let stderr = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
        OutputSecrecy.audit(
            ["stdout": String(decoding: printed, as: UTF8.self), "stderr": stderr], environment: environment,
            sourceLocation: sourceLocation)
    }

    /// Whether rotor was killed by a signal (rather than exiting).
    var wasKilledBySignal: Bool { process.terminationReason == .uncaughtSignal }

    /// Reads what is available, waiting up to ``timeout``; nil at end-of-file.
    private func readChunk() throws -> [UInt8]? {
        let descriptor = output.fileHandleForReading.fileDescriptor
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(Self.timeout.components.seconds * 1000)
        var ready: Int32
        repeat {
            ready = poll(&poller, 1, milliseconds)
        } while ready < 0 && errno == EINTR
        guard ready > 0 else {
            throw BackgroundRotorError("nothing on stdout within \(Self.timeout)")
        }
        var chunk = [UInt8](repeating: 0, count: 4096)
        let count = read(descriptor, &chunk, chunk.count)
        guard count > 0 else { return nil }
        printed += chunk[..<count]
        return Array(chunk[..<count])
    }
}

/// A background rotor did not behave in time.
struct BackgroundRotorError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A process's state letter and process group from /proc (nil once it is gone).
struct ProcessStat {
    var state: Character
    var processGroup: pid_t

    init?(processID: pid_t) {
        guard let text = try? String(contentsOfFile: "/proc/\(processID)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 3, let state = fields[0].first, let group = pid_t(fields[3]) else { return nil }
        self.state = state
        self.processGroup = group
    }

    /// Whether `processID` has ended (gone, or a zombie waiting for its new parent to reap it).
    static func hasEnded(_ processID: pid_t) -> Bool {
        guard let stat = ProcessStat(processID: processID) else { return true }
        return stat.state == "Z" || stat.state == "X"
    }

    /// Waits until `processID` has ended, up to ``BackgroundRotor/timeout``. It is not this process's child, so
    /// there is nothing to wait on: this polls /proc every 10 ms, a bounded number of times.
    static func awaitEnd(_ processID: pid_t) async throws -> Bool {
        let attempts = Int(BackgroundRotor.timeout.components.seconds) * 100
        for _ in 0..<attempts {
            if hasEnded(processID) { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return hasEnded(processID)
    }
}
