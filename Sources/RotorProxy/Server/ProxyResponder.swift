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
            logger.debug("request refused", metadata: ["rotor.status": "\(rejection.status.code)", "rotor.code": "\(rejection.code)"])
            try await writer.writeError(rejection, headers: headers)
            return
        }
        switch ProxyRoute(request.head) {
        case .notFound:
            try await writer.writeError(.notFound, headers: headers)
        case .websocketUpgrade:
            try await writer.writeError(.websocketUnsupported, headers: headers)
        case .createResponse:
            try await createResponse(request, writer: writer, channel: channel, headers: headers, logger: logger)
        }
    }

    /// The header carrying the request id to the client.
    static let requestIDHeader = HTTPField.Name("x-rotor-request-id")!
    static let accountHeader = HTTPField.Name("x-rotor-account")!
    static let attemptsHeader = HTTPField.Name("x-rotor-attempts")!

    private func createResponse(
        _ request: Request,
        writer: consuming ResponseWriter,
        channel: any Channel,
        headers: HTTPFields,
        logger: Logger
    ) async throws {
        var request = request
        if let encoding = request.headers[.contentEncoding], encoding.lowercased() != "identity" {
            try await writer.writeError(.compressedBody(encoding: encoding), headers: headers)
            return
        }
        if request.headers[.expect]?.lowercased() == "100-continue" {
            try await writer.writeInformationalHead(HTTPResponse(status: .continue))
        }
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: configuration.maxBodyBytes)
        } catch is NIOTooManyBytesError {
            try await writer.writeError(.bodyTooLarge(limit: configuration.maxBodyBytes), headers: headers)
            return
        }
        let rewritten: RewrittenRequest
        do {
            rewritten = try RequestInvariants.enforce(on: Array(body.readableBytesView))
        } catch {
            logger.debug("request body refused", metadata: ["rotor.code": "\(error.errorCode)"])
            try await writer.writeError(.invalidRequest(error), headers: headers)
            return
        }
        let chosen: (Account, AccountCredentials)?
        do {
            chosen = try chooseAccount()
        } catch {
            logger.error("cannot read the account store", metadata: ["rotor.error": "\(error)"])
            try await writer.writeError(.internalFailure, headers: headers)
            return
        }
        guard let (account, credentials) = chosen else {
            logger.warning("no usable account")
            try await writer.writeError(.noUsableAccount, headers: headers)
            return
        }
        var accountLogger = logger
        accountLogger[metadataKey: "rotor.account"] = "\(account.id.shortID)"
        let attemptLogger = accountLogger
        let slot = ResponseWriterSlot(writer)
        let clientHeaders = request.headers
        try await cancellingOnClientClose(try await ClientCloseObserver.closed(on: channel)) {
            let result = await attempt.perform(
                account: account,
                credentials: credentials,
                body: ByteBuffer(bytes: rewritten.body),
                clientHeaders: clientHeaders,
                logger: attemptLogger
            )
            try await answer(
                result,
                account: account,
                attempts: 1,
                wantsStream: rewritten.clientWantsStream,
                writer: slot.take(),
                headers: headers,
                logger: attemptLogger
            )
        }
    }

    /// The account for this request and its credentials (interim rule, see ``FirstReadyAccount``).
    private func chooseAccount() throws -> (Account, AccountCredentials)? {
        let all = try accounts.accounts()
        guard let account = FirstReadyAccount.choose(from: all, pinned: configuration.pinnedAccount, now: Date()),
            let credentials = try accounts.credentials(for: account.id)
        else { return nil }
        return (account, credentials)
    }

    /// Writes the client's answer for the final attempt's `result`: relays or aggregates a ready stream (and
    /// returns how that ended, for the decision log), or answers the failure.
    @discardableResult
    func answer(
        _ result: AttemptResult,
        account: Account,
        attempts: Int,
        wantsStream: Bool,
        writer: consuming ResponseWriter,
        headers: HTTPFields,
        logger: Logger
    ) async throws -> RelayOutcome? {
        var fields = headers
        fields[Self.accountHeader] = account.id.shortID
        fields[Self.attemptsHeader] = String(attempts)
        switch result {
        case .ready(let stream):
            fields.append(contentsOf: UpstreamHeaders.response(from: stream.headers))
            let outcome =
                wantsStream
                ? try await StreamRelay.relay(stream, to: writer, headers: fields, logger: logger)
                : try await StreamRelay.aggregate(stream, to: writer, headers: fields, logger: logger)
            logger.debug(
                "request served",
                metadata: [
                    "rotor.status": "\(outcome.status)", "rotor.bytes": "\(outcome.bytes)",
                    "rotor.first-event-ms": "\(stream.timeToFirstEvent.milliseconds)",
                    "rotor.terminal": "\(outcome.terminalEvent ?? "none")",
                ]
            )
            return outcome
        case .failed(let failure):
            try await UpstreamFailureAnswer.write(
                failure,
                wantsStream: wantsStream,
                to: writer,
                headers: fields,
                logger: logger
            )
            return nil
        }
    }
}
