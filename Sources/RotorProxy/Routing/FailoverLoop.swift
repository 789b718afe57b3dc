import Foundation
import HTTPTypes
import Logging
import NIOCore
import RotorAuth
import RotorCore

/// The imperative shell around ``RequestRouting/StateMachine``: it executes each step the machine returns (read the
/// accounts, refresh a token, send an attempt, wait for a reset), records every effect and decision in the shared
/// store, and hands the responder either a stream to relay or an answer to write. It decides nothing itself.
struct FailoverLoop {
    /// How the request ended before anything reached the client.
    enum Result {
        /// The commit point: relay this stream; then report how it ended with ``committedStreamEnded(_:)``.
        case committed(UpstreamStream, account: Account)
        /// Relay the upstream's own failure (a request error, or the last failure when the bounds were spent).
        case upstreamFailure(UpstreamFailureAnswer, account: Account)
        /// Write rotor's own answer (pool dry, bounds spent).
        case answer(ProxyAnswer)
    }

    let source: any AccountSource
    let attempt: UpstreamAttempt
    let logger: Logger
    private var machine: RequestRouting.StateMachine
    private let conversationHash: String?
    private var committedAccount: Account?
    private var committedRecord: DecisionRecord?
    private var lastFailure: (failure: AttemptFailure, account: Account)?

    /// The number of upstream attempts so far.
    var attempts: Int { machine.attemptCount }

    /// A loop for one request.
    init(request: RequestRouting.Request, limits: RequestRouting.Limits, source: any AccountSource,
         attempt: UpstreamAttempt, logger: Logger, now: Date) {
        self.source = source
        self.attempt = attempt
        self.logger = logger
        self.machine = RequestRouting.StateMachine(request: request, limits: limits, startedAt: now)
        self.conversationHash = request.conversationKey.map(ConversationAffinity.logHash)
    }

    /// Runs attempts until one commits or the request is answered otherwise.
    ///
    /// - Throws: `CancellationError` when the client went away; store errors; a request body that no longer parses
    ///   when its reasoning items are stripped (it parsed before, so only a bug in rotor gets there).
    mutating func run(body: [UInt8], clientHeaders: HTTPFields) async throws -> Result {
        var generator = SystemRandomNumberGenerator()
        // Each turn of the loop is one step of the machine, which bounds attempts, switches and time itself; this
        // bound only guards against a machine bug turning into a busy loop.
        for _ in 0..<64 {
            try Task.checkCancellation()
            let accounts = try source.accounts()
            switch machine.next(accounts: accounts, now: Date()) {
            case .attempt(let id, let reason, let dropTurnState, let stripReasoning):
                guard let account = accounts.first(where: { $0.id == id }) else { continue }
                logger.debug("attempt", metadata: ["rotor.account": "\(id.shortID)", "rotor.reason": "\(reason)"])
                let payload = stripReasoning ? try RequestInvariants.removingReasoningItems(from: body) : body
                var headers = clientHeaders
                if dropTurnState {
                    headers[ConversationAffinity.turnStateHeader] = nil
                    logger.info("turn state dropped", metadata: ["rotor.account": "\(id.shortID)"])
                }
                if let result = try await perform(on: account, body: payload, headers: headers, using: &generator) {
                    return result
                }
            case .wait(let until, let reason):
                logger.info("waiting for an account to return", metadata: ["rotor.reason": "\(reason)"])
                let delay = max(0, until.timeIntervalSinceNow) + 0.05
                try await Task.sleep(for: .milliseconds(Int(delay * 1000)))
            case .answer(let answer, let record):
                try writeRecord(record)
                logger.warning("no usable account", metadata: ["rotor.reason": "\(record.reason)"])
                return .answer(answer)
            case .giveUp(let final, let record):
                try writeRecord(record)
                logger.warning("request gave up", metadata: ["rotor.reason": "\(record.reason)"])
                switch final {
                case .respond(let answer):
                    return .answer(answer)
                case .relayLastResponse:
                    guard let lastFailure, let answer = UpstreamFailureAnswer(lastFailure.failure) else {
                        return .answer(.internalFailure)
                    }
                    return .upstreamFailure(answer, account: lastFailure.account)
                }
            }
        }
        logger.error("routing did not settle")
        return .answer(.internalFailure)
    }

    /// Records how a committed stream ended: bytes and token usage, and a failure after commit if it broke.
    mutating func committedStreamEnded(_ outcome: RelayOutcome) {
        guard let account = committedAccount, var record = committedRecord else { return }
        let now = Date()
        var effects: [RequestRouting.Effect] = []
        if let event = outcome.rateLimitsEvent, let usage = UsageSnapshot(rateLimitsEvent: event.data, observedAt: now) {
            effects.append(.usage(account.id, usage))
        }
        record.bytes = outcome.bytes
        if let usage = outcome.completedEvent.flatMap(TokenUsage.init(completedEvent:)) {
            record.inputTokens = usage.inputTokens
            record.cachedInputTokens = usage.cachedInputTokens
            record.outputTokens = usage.outputTokens
        }
        var records = [record]
        if let broke = outcome.streamBreak {
            var generator = SystemRandomNumberGenerator()
            let resolution = machine.attemptFinished(.streamBrokeAfterCommit(broke), account: account, now: now,
                                                     using: &generator)
            effects += resolution.effects
            if var after = resolution.record {
                after.conversationKeyHash = conversationHash
                records.append(after)
            }
        }
        do {
            try source.apply(effects, now: now)
            try source.recordDecisions(records)
        } catch {
            logger.error("cannot record the request's end", metadata: ["rotor.error": "\(error)"])
        }
    }

    // MARK: - One attempt

    /// Sends one attempt and feeds its outcome to the machine; returns a result when the request is settled.
    private mutating func perform(
        on account: Account,
        body: [UInt8],
        headers: HTTPFields,
        using generator: inout SystemRandomNumberGenerator
    ) async throws -> Result? {
        let credentials: AccountCredentials
        switch try await credentialsBeforeAttempt(account) {
        case .ready(let ready):
            credentials = ready
        case .unusable(let outcome):
            return try await settle(outcome, failure: nil, account: account, credentials: nil, using: &generator)
        }
        let result = await attempt.perform(account: account, credentials: credentials, body: ByteBuffer(bytes: body),
                                           clientHeaders: headers, logger: logger)
        switch result {
        case .ready(let stream):
            let outcome = AttemptOutcome.success(status: stream.status, headers: stream.headers.headerFields)
            let resolution = machine.attemptFinished(outcome, account: account, now: Date(), using: &generator)
            try source.apply(resolution.effects, now: Date())
            if let turnState = stream.headers[ConversationAffinity.turnStateHeader] {
                try source.bindConversation(ConversationAffinity.turnStateKey(turnState), to: account.id, now: Date(),
                                            ttl: ConversationAffinity.turnStateTimeToLive)
            }
            committedAccount = account
            committedRecord = resolution.record.map { enriched($0, firstByte: stream.timeToFirstEvent) }
            return .committed(stream, account: account)
        case .failed(let failure):
            guard let outcome = failure.outcome else { throw CancellationError() }
            return try await settle(outcome, failure: failure, account: account, credentials: credentials,
                                    using: &generator)
        }
    }

    /// Feeds a failed attempt to the machine and carries out what it asks: another attempt, a refresh, or a
    /// pass-through of the upstream's answer.
    private mutating func settle(
        _ outcome: AttemptOutcome,
        failure: AttemptFailure?,
        account: Account,
        credentials: AccountCredentials?,
        using generator: inout SystemRandomNumberGenerator
    ) async throws -> Result? {
        if let failure { lastFailure = (failure, account) }
        let resolution = machine.attemptFinished(outcome, account: account, now: Date(), using: &generator)
        try source.apply(resolution.effects, now: Date())
        if let record = resolution.record { try writeRecord(enriched(record, firstByte: failure?.elapsed)) }
        logger.info("attempt failed", metadata: [
            "rotor.account": "\(account.id.shortID)", "rotor.outcome": "\(resolution.record?.outcome ?? "-")",
            "rotor.upstream-status": "\(outcome.upstreamStatus.map(String.init) ?? "none")",
        ])
        switch resolution.next {
        case .continue, .commit, .surface:
            return nil
        case .passThrough:
            guard let failure, let answer = UpstreamFailureAnswer(failure) else { return .answer(.internalFailure) }
            return .upstreamFailure(answer, account: account)
        case .refresh(let id):
            let refresh: RequestRouting.RefreshResult
            do {
                _ = try await source.usableCredentials(for: id, rejectedAccessToken: credentials?.accessToken,
                                                       now: Date())
                refresh = .refreshed
            } catch TokenRefreshError.needsLogin(let reason) {
                refresh = .needsLogin(reason: reason)
            } catch {
                try Task.checkCancellation()
                refresh = .failed(reason: "\(error)")
            }
            let after = machine.refreshFinished(refresh, account: account, now: Date(), using: &generator)
            try source.apply(after.effects, now: Date())
            if let record = after.record { try writeRecord(enriched(record, firstByte: nil)) }
            return nil
        }
    }

    private enum PreparedCredentials {
        case ready(AccountCredentials)
        case unusable(AttemptOutcome)
    }

    /// The account's credentials, refreshed first when they expire within minutes. A dead login becomes the
    /// upstream's "token invalidated" answer so the machine marks the account and moves on; a refresh that failed
    /// for now falls back to the stored token (it may still be valid; a 401 brings the refresh back).
    private func credentialsBeforeAttempt(_ account: Account) async throws -> PreparedCredentials {
        do {
            return .ready(try await source.usableCredentials(for: account.id, rejectedAccessToken: nil, now: Date()))
        } catch TokenRefreshError.needsLogin(let reason) {
            return .unusable(Self.loginInvalidated(reason))
        } catch {
            try Task.checkCancellation()
            guard let stored = try source.credentials(for: account.id) else {
                return .unusable(Self.loginInvalidated("no stored tokens"))
            }
            logger.warning("token refresh failed; using the stored token", metadata: ["rotor.error": "\(error)"])
            return .ready(stored)
        }
    }

    private static func loginInvalidated(_ reason: String) -> AttemptOutcome {
        let message = "the login was invalidated: \(reason)".replacingOccurrences(of: "\"", with: "'")
        let body = #"{"error":{"code":"token_invalidated","message":"\#(message)"}}"#
        return .errorResponse(status: 401, headers: [], body: Array(body.utf8))
    }

    // MARK: - Records

    private func enriched(_ record: DecisionRecord, firstByte: Duration?) -> DecisionRecord {
        var record = record
        record.conversationKeyHash = conversationHash
        record.firstByteMilliseconds = firstByte.map { Int($0.milliseconds) }
        return record
    }

    private func writeRecord(_ record: DecisionRecord) throws {
        var record = record
        record.conversationKeyHash = conversationHash
        try source.recordDecisions([record])
    }
}
