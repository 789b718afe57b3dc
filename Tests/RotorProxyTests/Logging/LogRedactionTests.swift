import Foundation
import HTTPTypes
import Logging
import RotorProxy
import RotorTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

struct LogRedactionTests {
    /// Authorization, cookies, API keys, every *_token, code and code_verifier are hidden, whatever their case.
    @Test(arguments: [
        ("Authorization", true), ("proxy-authorization", true), ("Cookie", true), ("set-cookie", true),
        ("x-api-key", true), ("refresh_token", true), ("rotor.access_token", true), ("id-token", true), ("code", true),
        ("code_verifier", true), ("rotor.request-id", false), ("x-codex-turn-state", false), ("session-id", false),
    ])
    func hidesSensitiveNames(name: String, sensitive: Bool) {
        #expect(LogRedaction.isSensitive(name) == sensitive)
        #expect((LogRedaction.redact(name, "v") == "***") == sensitive)
    }

    /// Header lists keep names and harmless values and hide the rest.
    @Test func describesHeaders() {
        let fields: HTTPFields = [.authorization: "Bearer secret", .accept: "text/event-stream", .cookie: "a=b"]
        let text = LogRedaction.describe(fields)
        #expect(text == "authorization: ***, accept: text/event-stream, cookie: ***")
    }

    /// Log lines carry the constant message and sorted metadata, with sensitive metadata redacted.
    @Test func writesRedactedLines() throws {
        let directory = try TemporaryDirectory(prefix: "rotor-log")
        defer { directory.remove() }
        let path = directory.path("rotor.log")
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
        #expect(fd >= 0)
        let handler = RotorLogHandler(label: "rotor", level: .info, outputs: [LogOutput(descriptor: fd)])
        var logger = Logger(label: "rotor") { _ in handler }
        logger[metadataKey: "rotor.request-id"] = "abc"
        logger.info("upstream responded", metadata: ["rotor.access_token": "at-secret", "rotor.status": "200"])
        logger.debug("not at info")
        close(fd)
        let line = try String(contentsOfFile: path, encoding: .utf8)
        #expect(line.hasSuffix(" info rotor: upstream responded rotor.access_token=*** rotor.request-id=abc rotor.status=200\n"))
        #expect(!line.contains("at-secret"))
        #expect(line.split(separator: "\n").count == 1)
    }
}
