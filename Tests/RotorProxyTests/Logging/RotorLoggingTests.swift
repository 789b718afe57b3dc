import Foundation
import Logging
@testable import RotorProxy
import RotorTestSupport
import Testing

struct RotorLoggingTests {
    /// `ROTOR_LOG_LEVEL` takes swift-log's level names in any case; anything else is a configuration error that
    /// names the variable, instead of silently logging at `info`.
    @Test func logLevelFromEnvironment() throws {
        #expect(try RotorLogging.level(from: [:]) == .info)
        #expect(try RotorLogging.level(from: ["ROTOR_LOG_LEVEL": "DEBUG"]) == .debug)
        #expect(throws: ProxyConfigurationError.self) { try RotorLogging.level(from: ["ROTOR_LOG_LEVEL": "loud"]) }
        do {
            _ = try RotorLogging.level(from: ["ROTOR_LOG_LEVEL": "loud"])
        } catch {
            #expect(error.description.contains("ROTOR_LOG_LEVEL=loud"))
            #expect(error.exitCode == 78)
        }
    }

    /// A log file over the size limit is moved aside to `.1` (replacing an older one); a smaller one is kept.
    @Test func rotatesLargeLogFile() throws {
        let directory = try TemporaryDirectory(prefix: "rotor-log")
        defer { directory.remove() }
        let file = directory.appending("rotor.log")
        let rotated = directory.appending("rotor.log.1")
        try Data(repeating: 65, count: 100).write(to: file)
        RotorLogging.rotateIfLarge(file, limit: 100)
        #expect(FileManager.default.fileExists(atPath: file.path))
        try Data(repeating: 66, count: 101).write(to: file)
        try Data("old".utf8).write(to: rotated)
        RotorLogging.rotateIfLarge(file, limit: 100)
        #expect(!FileManager.default.fileExists(atPath: file.path))
        #expect(try Data(contentsOf: rotated).count == 101)
    }
}
