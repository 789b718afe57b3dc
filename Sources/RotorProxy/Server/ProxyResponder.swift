import Foundation
import HTTPTypes
import HummingbirdCore
import Logging
import NIOCore
import RotorCore

/// Answers every request the proxy receives.
///
/// A HummingbirdCore responder rather than a `Router`: a router's handler must return the response head before
/// its body is written, but rotor decides the head only after the upstream's first event (so that a failure
/// there can still be retried elsewhere), and must cancel the upstream the moment the client goes away during
/// that wait too. Holding the connection's `ResponseWriter` gives both: the whole exchange is cancelled when the
/// ``ClientCloseObserver`` sees the client leave, and the head is written when the routing decides.
struct ProxyResponder: Sendable {
    let boundPort: BoundPort
    let accounts: any AccountSource
    let attempt: UpstreamAttempt
    let configuration: ProxyConfiguration
    /// Where writes that fail after the commit are retried.
    let retries: BookkeepingRetries
    /// The proxy's metrics, counted by every request and served at `/metrics`.
    let metrics: ProxyMetrics
    /// When the proxy started (the health answer's uptime).
    let startedAt: Date
    /// The routing policy each request starts with.
    let policy: RoutingPolicyWatch
    let logger: Logger

    /// Answers `request`; errors thrown here only mean the client connection is gone.
    func respond(to request: Request, writer: consuming ResponseWriter, channel: any Channel) async throws {
        let requestID = RequestIdentifier.make()
        var logger = self.logger
        logger[metadataKey: "rotor.request-id"] = "\(requestID)"
        var headers = HTTPFields()
        headers[Self.requestIDHeader] = requestID.value
        let requestGuard = RequestGuard(
            secret: configuration.secret,
            port: boundPort.current,
            maxBodyBytes: configuration.maxBodyBytes
        )
        logger.trace(
            "request received",
            metadata: [
                "rotor.method": "\(request.method)", "rotor.path": "\(request.uri.path)",
                "rotor.headers": "\(LogRedaction.describe(request.headers))",
            ]
        )
        if let rejection = requestGuard.rejection(for: request.head) {
            logger.debug("request refused", metadata: ["rotor.status": "\(rejection.status)", "rotor.code": "\(rejection.code ?? rejection.type)"])
            // The connection closes after a refusal: a client without the secret cannot hold it as a working
            // client, which the connection cap never evicts.
            var fields = headers
            fields[.connection] = "close"
            try await writer.writeAnswer(rejection, headers: fields)
            return
        }
        switch ProxyRoute(request.head) {
        case .notFound:
            try await writer.writeAnswer(.notFound, headers: headers)
        case .websocketUpgrade:
            try await writer.writeAnswer(.websocketUnsupported, headers: headers)
        case .health:
            try await answerHealth(writer: writer, headers: headers, logger: logger)
        case .metrics:
            try await answerMetrics(writer: writer, headers: headers, logger: logger)
        case .createResponse:
            try await createResponse(
                request, requestID: requestID.value, writer: writer, channel: channel, headers: headers, logger: logger)
        }
    }

    /// The header carrying the request id to the client.
    static let requestIDHeader = HTTPField.Name("x-rotor-request-id")!
    static let accountHeader = HTTPField.Name("x-rotor-account")!
    static let attemptsHeader = HTTPField.Name("x-rotor-attempts")!

    private func createResponse(
        _ request: Request,
        requestID: String,
        writer: consuming ResponseWriter,
        channel: any Channel,
        headers: HTTPFields,
        logger: Logger
    ) async throws {
        var request = request
        if let encoding = request.headers[.contentEncoding], encoding.lowercased() != "identity" {
            try await writer.writeAnswer(.compressedBody(encoding: encoding), headers: headers)
            return
        }
        if request.headers[.expect]?.lowercased() == "100-continue" {
            try await writer.writeInformationalHead(HTTPResponse(status: .continue))
        }
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: configuration.maxBodyBytes)
        } catch is NIOTooManyBytesError {
            try await writer.writeAnswer(.bodyTooLarge(limit: configuration.maxBodyBytes), headers: headers)
            return
        } catch let stalled as RequestBodyStalled {
            logger.debug("request body stalled", metadata: ["rotor.status": "408"])
            var fields = headers
            fields[.connection] = "close"
            try await writer.writeAnswer(.requestTimeout(after: stalled.limit), headers: fields)
            return
        }
        let rewritten: RewrittenRequest
        do {
            rewritten = try RequestInvariants.enforce(on: Array(body.readableBytesView))
        } catch {
            logger.debug("request body refused", metadata: ["rotor.code": "\(error.errorCode)"])
            try await writer.writeAnswer(.invalidRequest(error), headers: headers)
            return
        }
        let conversationKey = ConversationAffinity.conversationKey(
            promptCacheKey: rewritten.promptCacheKey,
            headers: request.headers
        )
        let slot = ResponseWriterSlot(writer)
        let clientHeaders = request.headers
        let time = configuration.time
        try await cancellingOnClientClose(try await ClientCloseObserver.closed(on: channel)) {
            let now = time.now()
            var loop: FailoverLoop
            do {
                let routing = try routingRequest(conversationKey: conversationKey, model: rewritten.model,
                                                 headers: clientHeaders, requestID: requestID, now: now)
                let policy = policy.current(accounts: { [accounts] in try accounts.accounts() }, logger: logger)
                loop = FailoverLoop(request: routing, limits: limits, policy: policy, source: accounts,
                                    attempt: attempt, time: time, retries: retries, metrics: metrics, logger: logger,
                                    startedAt: now)
            } catch {
                logger.error("cannot route the request", metadata: ["rotor.error": "\(error)"])
                metrics.requestFailedInternally()
                try await slot.take().writeAnswer(.internalFailure, headers: headers)
                return
            }
            try await loop.serve(body: rewritten.body, clientHeaders: clientHeaders,
                                 wantsStream: rewritten.clientWantsStream, writer: slot.take(), headers: headers)
        }
    }

    /// The routing policy's limits for this proxy.
    private var limits: RequestRouting.Limits {
        RequestRouting.Limits(maxWait: configuration.maxWait)
    }

    /// What routing needs to know about the request: its conversation, the account bound to it, who minted an
    /// echoed turn state, the pinned account, and the model asked for.
    private func routingRequest(
        conversationKey: String?,
        model: String?,
        headers: HTTPFields,
        requestID: String,
        now: Date
    ) throws -> RequestRouting.Request {
        let bound = try conversationKey.flatMap { try accounts.boundAccount(forConversation: $0, now: now) }
        var turnState = RequestRouting.TurnState.absent
        if let value = headers[ConversationAffinity.turnStateHeader] {
            let owner = try accounts.boundAccount(forConversation: ConversationAffinity.turnStateKey(value), now: now)
            turnState = owner.map { .mintedBy($0) } ?? .unknownOwner
        }
        return RequestRouting.Request(
            requestID: requestID,
            conversationKey: conversationKey,
            boundAccount: bound,
            turnState: turnState,
            pinnedAccount: configuration.pinnedAccount,
            model: model
        )
    }
}
