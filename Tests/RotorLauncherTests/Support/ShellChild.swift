import Foundation
import RotorLauncher
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Swift Testing has an `ExitStatus` of its own (for exit tests); these tests mean the launcher's.
typealias ExitStatus = RotorLauncher.ExitStatus

/// Children for tests: `/bin/sh -c SCRIPT sh ARGS…`, and bounded waits for them.
enum ShellChild {
    /// How long a test waits for a child before killing it and failing.
    static let timeout: Duration = .seconds(20)

    /// `/bin/sh -c script sh arguments…` with a minimal environment.
    static func command(_ script: String, _ arguments: String...) -> ChildCommand {
        ChildCommand(
            executablePath: "/bin/sh",
            arguments: ["sh", "-c", script, "sh"] + arguments,
            environment: ["PATH": "/usr/bin:/bin"]
        )
    }

    /// Waits for `child`; after ``timeout`` kills it, records a failure, and returns how it ended.
    static func waitBounded(_ child: ChildProcess) async throws -> ExitStatus {
        try await bounded(child) { await child.wait() }
    }

    /// Runs `operation` (which returns once `child` has ended); after ``timeout`` kills the child and fails.
    static func bounded(
        _ child: ChildProcess,
        _ operation: @escaping @Sendable () async -> ExitStatus
    ) async throws -> ExitStatus {
        try await withThrowingTaskGroup(of: ExitStatus?.self) { group in
            group.addTask { await operation() }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            while let result = try await group.next() {
                if let status = result {
                    group.cancelAll()
                    return status
                }
                Issue.record("child \(child.processID) still running after \(timeout); killing it")
                child.send(.kill)
            }
            preconditionFailure("the operation always returns once the child is killed")
        }
    }

    /// The contents of a small text file.
    static func read(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TestFailure("cannot open \(path)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Writes `text` to a file created with `mode`.
    static func write(_ text: String, to path: String, mode: mode_t) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard descriptor >= 0 else {
            throw TestFailure("cannot create \(path): errno \(errno)")
        }
        defer { close(descriptor) }
        let bytes = Array(text.utf8)
        guard Glibc.write(descriptor, bytes, bytes.count) == bytes.count else {
            throw TestFailure("cannot write \(path): errno \(errno)")
        }
        fchmod(descriptor, mode)
    }
}

/// A test set-up step failed.
struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) {
        self.description = description
    }
}
