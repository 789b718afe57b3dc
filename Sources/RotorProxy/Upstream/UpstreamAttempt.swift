import AsyncHTTPClient
import HTTPTypes
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import RotorCore

#if canImport(Glibc)
import Glibc
#endif

/// Sends one request upstream on one account and holds the answer until its first SSE event, so that even a
/// `response.failed` arriving as the first event is still a pre-send failure (see docs/routing.md).
///
/// The failover loop calls ``perform(account:credentials:body:clientHeaders:logger:)`` once per attempt.
public struct UpstreamAttempt: Sendable {
    /// The pooled upstream client.
    public let client: HTTPClient
    /// The full URL requests go to (`<upstream>/responses`).
    public let url: String
    /// Header and idle timeouts (the connect timeout lives in the client's configuration).
    public let timeouts: UpstreamTimeouts

    /// The largest non-2xx body kept for classification.
    static let maximumErrorBodyBytes = 1 << 20

    /// An attempt runner over `client`.
    public init(client: HTTPClient, url: String, timeouts: UpstreamTimeouts) {
        self.client = client
        self.url = url
        self.timeouts = timeouts
    }

    /// Sends `body` with the allowlisted `clientHeaders` on `account` and waits for the head and the first event.
    ///
    /// Never throws: every failure is an ``AttemptFailure`` the caller can classify. Task cancellation (the client
    /// went away) cancels the upstream request and yields `.failed` with kind `.cancelled`.
    public func perform(
        account: Account,
        credentials: AccountCredentials,
        body: ByteBuffer,
        clientHeaders: HTTPFields,
        logger: Logger
    ) async -> AttemptResult {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers = UpstreamHeaders.request(from: clientHeaders, account: account, credentials: credentials)
        request.body = .bytes(body)
        let start = ContinuousClock.now
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, deadline: .now() + TimeAmount(timeouts.header), logger: logger)
        } catch {
            return .failed(Self.failure(for: error, elapsed: .now - start))
        }
        let headers = Self.fields(response.headers)
        let reader = UpstreamBodyReader(body: response.body, idleTimeout: timeouts.idle)
        guard (200..<300).contains(Int(response.status.code)) else {
            let errorBody = await Self.collect(reader, limit: Self.maximumErrorBodyBytes)
            return .failed(
                AttemptFailure(
                    kind: .status,
                    status: Int(response.status.code),
                    headers: headers,
                    body: errorBody,
                    reason: "upstream answered \(response.status.code)",
                    elapsed: .now - start
                )
            )
        }
        return await holdUntilFirstEvent(
            status: Int(response.status.code),
            headers: headers,
            reader: reader,
            start: start
        )
    }

    private func holdUntilFirstEvent(
        status: Int,
        headers: HTTPFields,
        reader: UpstreamBodyReader,
        start: ContinuousClock.Instant
    ) async -> AttemptResult {
        var heldBytes: [ByteBuffer] = []
        var heldEvents: [ServerSentEvent] = []
        func failure(_ kind: AttemptFailure.Kind, _ reason: String, event: ServerSentEvent? = nil) -> AttemptResult {
            .failed(
                AttemptFailure(
                    kind: kind,
                    status: status,
                    headers: headers,
                    body: [],
                    firstEvent: event,
                    reason: reason,
                    elapsed: .now - start
                )
            )
        }
        while true {
            let chunk: UpstreamChunk?
            do {
                chunk = try await reader.next()
            } catch .cancelled {
                return failure(.cancelled, "the client went away")
            } catch .idleTimeout {
                return failure(.idleTimeout, "no event within the idle timeout")
            } catch {
                return failure(.streamEnded, error.description)
            }
            guard let chunk else { return failure(.streamEnded, "the stream ended before its first event") }
            heldBytes.append(chunk.bytes)
            heldEvents.append(contentsOf: chunk.events)
            guard let first = heldEvents.first(where: { !$0.isKeepAlive }) else { continue }
            if first.type == "response.failed" || first.type == "error" {
                return failure(.failedEvent, "the first event is \(first.type ?? "a failure")", event: first)
            }
            return .ready(
                UpstreamStream(
                    status: status,
                    headers: headers,
                    firstEvent: first,
                    heldEvents: heldEvents,
                    heldBytes: heldBytes,
                    timeToFirstEvent: .now - start,
                    reader: reader
                )
            )
        }
    }

    private static func collect(_ reader: UpstreamBodyReader, limit: Int) async -> [UInt8] {
        var bytes: [UInt8] = []
        while bytes.count < limit, let buffer = try? await reader.nextBytes() {
            bytes.append(contentsOf: buffer.readableBytesView.prefix(limit - bytes.count))
        }
        return bytes
    }

    private static func fields(_ headers: HTTPHeaders) -> HTTPFields {
        var fields = HTTPFields()
        for (name, value) in headers {
            guard let fieldName = HTTPField.Name(name.lowercased()) else { continue }
            fields.append(HTTPField(name: fieldName, value: value))
        }
        return fields
    }

    /// Which kind of connection failure `error` is, for the backoff family it selects.
    static func connectionFailure(_ error: any Error) -> ConnectionFailure {
        switch error {
        case let error as HTTPClientError
        where error == .connectTimeout || error == .tlsHandshakeTimeout || error == .getConnectionFromPoolTimeout:
            return .timedOut
        case ChannelError.connectTimeout:
            return .timedOut
        case let error as IOError where error.errnoCode == ECONNREFUSED:
            return .refused
        case let error as NIOConnectionError
        where error.connectionErrors.contains { ($0.error as? IOError)?.errnoCode == ECONNREFUSED }:
            return .refused
        case is NIOSSLError, is BoringSSLError:
            return .tls
        default:
            return .reset
        }
    }

    private static func failure(for error: any Error, elapsed: Duration) -> AttemptFailure {
        let kind: AttemptFailure.Kind
        switch error {
        case is CancellationError:
            kind = .cancelled
        case let error as HTTPClientError where error == .deadlineExceeded:
            kind = .headerTimeout
        default:
            kind = Task.isCancelled ? .cancelled : .network
        }
        return AttemptFailure(
            kind: kind,
            connectionFailure: kind == .network ? connectionFailure(error) : nil,
            status: nil,
            headers: [:],
            body: [],
            reason: UpstreamBodyReader.describe(error),
            elapsed: elapsed
        )
    }
}
