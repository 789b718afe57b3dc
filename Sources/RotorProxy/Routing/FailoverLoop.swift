import Foundation
import HTTPTypes
import HummingbirdCore
import Logging
import NIOCore
import RotorAuth
import RotorCore

/// The imperative shell around ``RequestRouting/StateMachine`` for one request, from the first attempt to the
/// client's last byte. It performs each step the machine returns (read the accounts, get credentials, send an
/// attempt, wait for a reset, relay the stream, answer), feeds back each event with one reading of the time, and
/// writes each event's bookkeeping in one store transaction. It decides nothing itself. Each decision row is counted
/// into the proxy's metrics where it is written (``RequestTally``).
///
/// Nothing is written before the response head on the success path: the committed attempt's bookkeeping is one
/// transaction, stored right before the client gets the stream's end (Codex sends its turn-state follow-up as soon as
/// it has `response.completed`, and that follow-up must find its binding). Before the commit a store failure fails
/// the request (a clean `rotor_internal`); after it, a failed write is retried in the background and never changes
/// what the client receives.
struct FailoverLoop {
    let source: any AccountSource
    let attempt: UpstreamAttempt
    let time: TimeSource
    /// Where writes that fail after the commit go.
    let retries: BookkeepingRetries
    let logger: Logger
    private var machine: RequestRouting.StateMachine
    private var tally: RequestTally
    private let conversationHash: String?
    /// The accounts as the latest routing step read them, only the pinned one when the proxy is pinned: the pool
    /// the rate-limit headers describe.
    private var pool: [Account] = []
    private let pinnedAccount: AccountID?

    /// The number of upstream attempts so far.
    var attempts: Int { machine.attemptCount }

    /// A loop for one request that arrived at `startedAt`.
    init(request: RequestRouting.Request, limits: RequestRouting.Limits, policy: PolicyInForce,
         source: any AccountSource, attempt: UpstreamAttempt, time: TimeSource, retries: BookkeepingRetries,
         metrics: ProxyMetrics, logger: Logger, startedAt: Date) {
        self.source = source
        self.attempt = attempt
        self.time = time
        self.retries = retries
        self.logger = logger
        self.machine = RequestRouting.StateMachine(request: request, limits: limits, policy: policy,
                                                   startedAt: startedAt)
        self.pinnedAccount = request.pinnedAccount
        self.tally = RequestTally(metrics: metrics, startedAt: startedAt)
        self.conversationHash = request.conversationKey.map(ConversationAffinity.logHash)
    }

    /// How the request settled before anything reached the client.
    private enum Settled {
        /// The commit point: relay this stream.
        case committed(UpstreamStream, account: Account)
        /// The request is over: answer this way (`account`: the one whose answer is relayed, if any).
        case answer(RequestRouting.FinalAnswer, account: Account?)
        /// The request is over: relay this attempt's own answer, byte for byte.
        case passThrough(UpstreamFailureAnswer, account: Account)
    }

    /// Serves the request: attempts until one commits, then relays its stream; or writes the final answer.
    ///
    /// A store failure before anything reached the client is answered `rotor_internal`.
    ///
    /// - Throws: `CancellationError` or a write error when the client went away (its decision row is written
    ///   first).
    mutating func serve(
        body: [UInt8],
        clientHeaders: HTTPFields,
        wantsStream: Bool,
        writer: consuming ResponseWriter,
        headers: HTTPFields
    ) async throws {
        let settled: Settled
        do {
            settled = try await route(body: body, clientHeaders: clientHeaders)
        } catch let error as CancellationError {
            let now = time.now()
            let record = machine.clientClosed(now: now)
            persistAfterCommit(RequestRouting.Bookkeeping(effects: [], record: record), firstByte: nil, now: now)
            throw error
        } catch {
            logger.error("cannot route the request", metadata: ["rotor.error": "\(error)"])
            tally.metrics.requestFailedInternally()
            settled = .answer(.respond(.internalFailure), account: nil)
        }
        var fields = headers
        fields[ProxyResponder.attemptsHeader] = String(attempts)
        switch settled {
        case .committed(let stream, let account):
            fields[ProxyResponder.accountHeader] = account.id.shortID
            var passed = UpstreamHeaders.response(from: stream.headers)
            passed.apply(PooledRateLimitHeaders(serving: account, responseHeaders: stream.headers.headerFields,
                                                accounts: pool, now: time.now()))
            fields.append(contentsOf: passed)
            try await relay(stream, account: account, wantsStream: wantsStream, writer: writer, headers: fields)
        case .passThrough(let answer, let account):
            fields[ProxyResponder.accountHeader] = account.id.shortID
            try await answer.write(wantsStream: wantsStream, to: writer, headers: fields, logger: logger)
        case .answer(let final, let account):
            if let account { fields[ProxyResponder.accountHeader] = account.id.shortID }
            switch final {
            case .relay(let answer):
                try await UpstreamFailureAnswer(answer).write(
                    wantsStream: wantsStream, to: writer, headers: fields, logger: logger)
            case .respond(let answer):
                if answer.status == 429 {
                    fields.apply(PooledRateLimitHeaders(serving: nil, responseHeaders: [], accounts: pool,
                                                        now: time.now()))
                }
                try await writer.writeAnswer(answer, headers: fields)
            }
        }
    }

    // MARK: - Before the commit

    /// Runs the machine's steps until an attempt commits or the request is answered otherwise.
    private mutating func route(body: [UInt8], clientHeaders: HTTPFields) async throws -> Settled {
        // Each turn is one step of the machine, which bounds attempts, switches and time itself; this bound only
        // guards against a machine bug turning into a busy loop.
        for _ in 0..<64 {
            try Task.checkCancellation()
            let accounts = try source.accounts()
            pool = Account.pool(of: accounts, pinnedTo: pinnedAccount)
            let now = time.now()
            switch machine.next(accounts: accounts, now: now) {
            case .attempt(let plan):
                guard let account = accounts.first(where: { $0.id == plan.account }) else {
                    throw RoutingFault.planOutsideThePool
                }
                if let settled = try await perform(plan, on: account, body: body, clientHeaders: clientHeaders) {
                    return settled
                }
            case .wait(let until, let reason):
                logger.info("waiting for an account to return", metadata: ["rotor.reason": "\(reason)"])
                let delay = max(0, until.timeIntervalSince(now)) + 0.05
                try await time.clock.sleep(for: .milliseconds(Int((delay * 1000).rounded())))
            case .answer(let final, let record):
                try write(RequestRouting.Bookkeeping(effects: [], record: record), firstByte: nil, now: now)
                logger.warning("request answered without a stream", metadata: [
                    "rotor.outcome": "\(record.outcome.rawValue)", "rotor.reason": "\(record.reason)",
                ])
                return .answer(final, account: nil)
            }
        }
        throw RoutingFault.didNotSettle
    }

    /// Sends one planned attempt and feeds its outcome to the machine; returns how the request settled, if it did.
    private mutating func perform(
        _ plan: RequestRouting.AttemptPlan,
        on account: Account,
        body: [UInt8],
        clientHeaders: HTTPFields
    ) async throws -> Settled? {
        logger.debug("attempt", metadata: ["rotor.account": "\(account.id.shortID)", "rotor.reason": "\(plan.reason)"])
        let credentials: AccountCredentials
        switch try await prepareCredentials(account) {
        case .ready(let ready):
            credentials = ready
        case .unavailable(let problem, let stored):
            switch machine.credentialsUnavailable(problem, account: account, now: time.now()) {
            case .sendWithStoredCredentials:
                guard let stored else { throw RoutingFault.storedCredentialsVanished }
                logger.warning("token refresh failed; using the stored token", metadata: [
                    "rotor.account": "\(account.id.shortID)"])
                credentials = stored
            case .moveOn(let bookkeeping):
                try write(bookkeeping, firstByte: nil, now: time.now())
                return nil
            }
        }
        var headers = clientHeaders
        if plan.turnState == .drop {
            headers[ConversationAffinity.turnStateHeader] = nil
            logger.info("turn state dropped", metadata: ["rotor.account": "\(account.id.shortID)"])
        }
        let payload = plan.reasoning == .strip ? try RequestInvariants.removingReasoningItems(from: body) : body
        let result = await attempt.perform(account: account, credentials: credentials, body: ByteBuffer(bytes: payload),
                                           clientHeaders: headers, logger: logger)
        let now = time.now()
        switch result {
        case .ready(let stream):
            machine.streamReady(status: stream.status, headers: stream.headers.headerFields, account: account, now: now)
            if let turnState = stream.headers[ConversationAffinity.turnStateHeader] {
                machine.turnStateMinted(key: ConversationAffinity.turnStateKey(turnState))
            }
            return .committed(stream, account: account)
        case .failed(let failure):
            guard let outcome = failure.outcome else { throw CancellationError() }
            let action = machine.attemptFailed(
                outcome, account: account, login: RefusedRefreshToken(credentials.refreshToken), now: now)
            logger.info("attempt failed", metadata: [
                "rotor.account": "\(account.id.shortID)",
                "rotor.upstream-status": "\(outcome.upstreamStatus.map(String.init) ?? "none")",
            ])
            switch action {
            case .moveOn(let bookkeeping):
                try write(bookkeeping, firstByte: failure.elapsed, now: now)
                return nil
            case .relay(let answer, let bookkeeping):
                try write(bookkeeping, firstByte: failure.elapsed, now: now)
                return .passThrough(UpstreamFailureAnswer(failure) ?? UpstreamFailureAnswer(answer), account: account)
            case .refresh:
                try await refresh(account, rejectedAccessToken: credentials.accessToken, firstByte: failure.elapsed)
                return nil
            }
        }
    }

    /// Refreshes the account's token after a 401, tells the machine how it went, and writes the 401 attempt's row.
    private mutating func refresh(_ account: Account, rejectedAccessToken: String, firstByte: Duration) async throws {
        let result: RequestRouting.RefreshResult
        do {
            _ = try await source.usableCredentials(for: account.id, rejectedAccessToken: rejectedAccessToken,
                                                   now: time.now())
            result = .refreshed
        } catch TokenRefreshError.needsLogin(let reason, let refused) {
            result = .needsLogin(reason: reason, refused: refused)
        } catch {
            result = .failed(reason: "\(error)")
        }
        // Reported even when the client left meanwhile: a failed refresh cools the account for the next requests.
        let now = time.now()
        switch machine.refreshFinished(result, account: account, now: now) {
        case .retry(let bookkeeping), .moveOn(let bookkeeping):
            try write(bookkeeping, firstByte: firstByte, now: now)
        }
        try Task.checkCancellation()
    }

    private enum PreparedCredentials {
        case ready(AccountCredentials)
        case unavailable(RequestRouting.CredentialsProblem, stored: AccountCredentials?)
    }

    /// The account's credentials, refreshed first when they expire within minutes; what went wrong otherwise.
    private func prepareCredentials(_ account: Account) async throws -> PreparedCredentials {
        do {
            return .ready(try await source.usableCredentials(for: account.id, rejectedAccessToken: nil, now: time.now()))
        } catch TokenRefreshError.needsLogin(let reason, let refused) {
            return .unavailable(.needsLogin(reason: reason, refused: refused), stored: nil)
        } catch {
            try Task.checkCancellation()
            let stored = try source.credentials(for: account.id)
            return .unavailable(.refreshFailed(reason: "\(error)", storedTokenAvailable: stored != nil), stored: stored)
        }
    }

    // MARK: - After the commit

    /// Relays the committed stream and stores its bookkeeping right before the client gets its end — or, when the
    /// client leaves first, with what was relayed until then.
    private mutating func relay(
        _ stream: UpstreamStream,
        account: Account,
        wantsStream: Bool,
        writer: consuming ResponseWriter,
        headers: HTTPFields
    ) async throws {
        var outcome = RelayOutcome(status: 200, bytes: 0)
        var ended = false
        func end(_ outcome: RelayOutcome, clientClosed: Bool) {
            ended = true
            let now = time.now()
            let bookkeeping = machine.streamEnded(outcome.streamEnd(clientClosed: clientClosed, observedAt: now),
                                                  account: account, now: now)
            persistAfterCommit(bookkeeping, firstByte: stream.timeToFirstEvent, now: now)
        }
        do {
            if wantsStream {
                try await StreamRelay.relay(stream, to: writer, headers: headers, logger: logger, outcome: &outcome) {
                    end($0, clientClosed: false)
                }
            } else {
                try await StreamRelay.aggregate(stream, to: writer, headers: headers, logger: logger, outcome: &outcome) {
                    end($0, clientClosed: false)
                }
            }
        } catch {
            if !ended { end(outcome, clientClosed: true) }
            throw error
        }
        logger.info("request served", metadata: [
            "rotor.account": "\(account.id.shortID)", "rotor.attempts": "\(attempts)",
            "rotor.status": "\(outcome.status)", "rotor.bytes": "\(outcome.bytes)",
            "rotor.first-event-ms": "\(stream.timeToFirstEvent.milliseconds)",
            "rotor.terminal": "\(outcome.terminalEvent ?? "none")",
        ])
    }

    // MARK: - Writing

    /// Writes one event's bookkeeping before the commit, and counts its row once written: a failure here fails the
    /// request (and the row, never written, is not counted).
    private mutating func write(_ bookkeeping: RequestRouting.Bookkeeping, firstByte: Duration?, now: Date) throws {
        let record = enriched(bookkeeping.record, firstByte: firstByte)
        try source.record(bookkeeping.effects, decisions: [record], now: now)
        tally.count(record, finishesRequest: machine.isFinished, firstByte: firstByte, now: now)
    }

    /// Writes bookkeeping once the client has (or may have) seen bytes: a failure is logged and retried in the
    /// background, a bounded number of times, and never reaches the client. The row is counted at once.
    private mutating func persistAfterCommit(_ bookkeeping: RequestRouting.Bookkeeping, firstByte: Duration?,
                                             now: Date) {
        let record = enriched(bookkeeping.record, firstByte: firstByte)
        tally.count(record, finishesRequest: machine.isFinished, firstByte: firstByte, now: now)
        do {
            try source.record(bookkeeping.effects, decisions: [record], now: now)
        } catch {
            logger.error("cannot record the request yet; retrying in the background", metadata: [
                "rotor.error": "\(error)"])
            retries.enqueue(BookkeepingRetries.Job(effects: bookkeeping.effects, record: record, now: now))
        }
    }

    private func enriched(_ record: DecisionRecord, firstByte: Duration?) -> DecisionRecord {
        var record = record
        record.conversationKeyHash = conversationHash
        record.firstByteMilliseconds = firstByte.map { Int($0.milliseconds) }
        return record
    }
}

/// A routing step the shell cannot carry out: a bug in rotor, answered `rotor_internal`.
enum RoutingFault: Error, CustomStringConvertible {
    case planOutsideThePool
    case storedCredentialsVanished
    case didNotSettle

    var description: String {
        switch self {
        case .planOutsideThePool: "routing planned an attempt on an account outside the pool it was given"
        case .storedCredentialsVanished: "routing chose the stored token, which was not there"
        case .didNotSettle: "routing did not settle within 64 steps"
        }
    }
}
