import Foundation
import Logging
import RotorPlatform

/// A file descriptor log lines are written to, one `write(2)` per line.
public struct LogOutput: Sendable {
    let descriptor: Int32

    /// Writes to `descriptor`, which stays open for the life of the process (rotor never closes a log output).
    public init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// Standard error.
    public static let standardError = LogOutput(descriptor: DescriptorOutput.standardError)

    /// Writes one whole line; a line that cannot be written (disk full) is dropped, as logging must not fail.
    func emit(_ line: String) {
        try? DescriptorOutput.writeAll(line, to: descriptor)
    }
}

/// A swift-log handler writing `TIME LEVEL LABEL: message key=value …` lines, with every sensitive metadata value
/// redacted by ``LogRedaction``.
public struct RotorLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    private let label: String
    private let outputs: [LogOutput]

    /// A handler for `label` writing to every one of `outputs`.
    public init(label: String, level: Logger.Level, outputs: [LogOutput]) {
        self.label = label
        self.logLevel = level
        self.outputs = outputs
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        let pairs = merged.keys.sorted().map { key in
            "\(key)=\(LogRedaction.redact(key, "\(merged[key] ?? "")"))"
        }
        let time = Date().formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        var line = "\(time) \(event.level) \(label): \(event.message)"
        if !pairs.isEmpty { line += " " + pairs.joined(separator: " ") }
        line += "\n"
        for output in outputs { output.emit(line) }
    }
}
