import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// One `POST` to an OAuth endpoint, bounded in time and size; the answer is returned whatever its status.
struct OAuthPost: Sendable {
    /// A JSON or form body and its media type.
    struct Body: Sendable {
        var contentType: String
        var bytes: [UInt8]

        /// `application/json` from an `Encodable` value, keys sorted (which is the order Codex sends them in).
        static func json(_ value: some Encodable) -> Body {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            // Encoding a struct of strings cannot fail.
            let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
            return Body(contentType: "application/json", bytes: Array(data))
        }

        /// `application/x-www-form-urlencoded` from name/value pairs.
        static func form(_ pairs: [(String, String)]) -> Body {
            Body(contentType: "application/x-www-form-urlencoded", bytes: Array(FormURLEncoding.encode(pairs).utf8))
        }
    }

    /// What the endpoint answered.
    struct Answer: Sendable {
        var status: Int
        /// The `Retry-After` header, as sent.
        var retryAfter: String?
        var body: Data

        var isSuccess: Bool { (200..<300).contains(status) }
    }

    /// The request could not be made or no complete answer arrived in time.
    struct TransportError: Error, CustomStringConvertible {
        /// What failed, without any request content.
        var description: String
    }

    /// Answers larger than this are refused: a token answer is a few kilobytes.
    static let maximumAnswerBytes = 1 << 20

    var httpClient: HTTPClient
    /// Bounds the whole exchange: connecting, sending, and reading the complete answer.
    var timeout: Duration
    var logger: Logger

    /// Sends `body` to `url` and reads the whole answer.
    /// - Throws: ``TransportError`` when the endpoint cannot be reached or answers too slowly or too much.
    func send(_ body: Body, to url: URL) async throws(TransportError) -> Answer {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: body.contentType)
        request.headers.add(name: "Accept", value: "application/json")
        request.body = .bytes(body.bytes)
        let prepared = request
        let deadline = NIODeadline.now() + TimeAmount(timeout)
        let httpClient = self.httpClient
        let logger = self.logger
        do {
            return try await TimeLimit.run(timeout) {
                let response = try await httpClient.execute(prepared, deadline: deadline, logger: logger)
                let buffer = try await response.body.collect(upTo: Self.maximumAnswerBytes)
                return Answer(
                    status: Int(response.status.code),
                    retryAfter: response.headers.first(name: "Retry-After"),
                    body: Data(buffer.readableBytesView)
                )
            }
        } catch let error as TimeLimit.Exceeded {
            throw TransportError(description: error.description)
        } catch {
            throw TransportError(description: Self.reason(for: error))
        }
    }

    /// A short reason for a transport failure: the system's words for a socket error, else the error's own.
    static func reason(for error: any Error) -> String {
        switch error {
        case let error as IOError:
            return String(cString: strerror(error.errnoCode)).lowercased()
        case let error as NIOConnectionError:
            if let first = error.connectionErrors.first { return reason(for: first.error) }
            return "cannot resolve \(error.host)"
        case let error as HTTPClientError where error == .connectTimeout:
            return "connection timed out"
        case let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout:
            return "no answer in time"
        default:
            return TerminalText.clean(String(describing: error), limit: 160)
        }
    }
}

extension TimeAmount {
    /// The same span with nanosecond precision.
    init(_ duration: Duration) {
        let components = duration.components
        self = .nanoseconds(components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000)
    }
}
