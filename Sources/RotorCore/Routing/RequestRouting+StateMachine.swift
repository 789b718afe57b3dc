#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

extension RequestRouting {
    /// The failover loop of one client request (the rules of docs/routing.md): a value the shell owns and drives.
    ///
    /// Invariants: it never sends to an account that already failed in this request, never to one that is cooling,
    /// needs a login, is disabled or has a used-up window; it moves accounts only before the commit; it retries an
    /// account only after a token refresh (once) or, right after a conversation moved, once without reasoning items.
    public struct StateMachine: Sendable {
        private enum State: Hashable, Sendable {
            case choosing
            case attempting(Attempt)
            /// Refreshing the token after a 401; the attempt's row waits for the refresh's outcome.
            case refreshing(Attempt, DecisionRecord)
            case committed(Attempt, Commit)
            case finished
        }

        /// What a committed attempt writes when its stream ends, in one transaction with its decision row.
        private struct Commit: Hashable, Sendable {
            var effects: [Effect]
            var record: DecisionRecord
        }

        private struct Attempt: Hashable, Sendable {
            var account: AccountID
            var number: Int
            var reason: String
            var startedAt: Date
            var carriesForeignState: Bool
        }


        /// The last failure of this request: named in the next attempt's reason, and the base of the final answer.
        struct Failure: Hashable, Sendable {
            var label: String
            var classification: DecisionRecord.Outcome
            var isTransient: Bool
            /// The upstream's own answer, kept to be relayed if the request gives up after it.
            var answer: UpstreamAnswer?
        }

        /// The request being routed.
        public let request: Request
        /// The loop's bounds.
        public let limits: Limits
        /// The order, reserves and priorities selection follows.
        public let policy: RoutingPolicy
        /// ``RoutingPolicy/version`` of ``policy``, on every decision record.
        public let policyVersion: String
        /// When the request arrived.
        public let startedAt: Date

        private var state = State.choosing
        private var attempts = 0
        private var accountSwitches = 0
        private var transientRetries = 0
        private(set) var failedAccounts: [AccountID] = []
        private var learnedStatus: [AccountID: AccountStatus] = [:]
        private var refreshedAccounts: [AccountID] = []
        private var retry: (account: AccountID, reason: String)?
        private(set) var lastFailure: Failure?
        private var lastAccount: AccountID?
        private var stripReasoning = false

        /// Starts routing `request`, which arrived at `startedAt`, choosing accounts by `policy`.
        public init(request: Request, limits: Limits = Limits(), policy: PolicyInForce = .default, startedAt: Date) {
            self.request = request
            self.limits = limits
            self.policy = policy.policy
            self.policyVersion = policy.version
            self.startedAt = startedAt
        }

        /// Starts routing `request`, which arrived at `startedAt`, choosing accounts by `policy`.
        public init(request: Request, limits: Limits = Limits(), policy: RoutingPolicy, startedAt: Date) {
            self.init(request: request, limits: limits, policy: PolicyInForce(policy), startedAt: startedAt)
        }

        /// Upstream attempts made so far.
        public var attemptCount: Int { attempts }

        /// Whether the request is over: the last decision row the machine returned was its final one (the stream's
        /// end, the relayed refusal, the answer without a stream, or the client leaving).
        public var isFinished: Bool {
            if case .finished = state { return true }
            return false
        }

        /// The next step, given the pool as the store has it now (every account, in any state).
        public mutating func next(accounts: [Account], now: Date) -> Step {
            guard case .choosing = state else {
                preconditionFailure("RequestRouting.next called while \(state); report the pending attempt first")
            }
            if let retry {
                self.retry = nil
                if let account = accounts.first(where: { $0.id == retry.account }),
                    account.state(at: now) == .ready
                {
                    return startAttempt(on: account.id, reason: retry.reason, now: now)
                }
                failedAccounts.append(retry.account)
            }
            if now.timeIntervalSince(startedAt) >= limits.timeBudget.timeInterval {
                return giveUp("time budget of \(Self.seconds(limits.timeBudget)) spent", now: now)
            }
            let selection = AccountSelection(strategy: request.pinnedAccount.map { .pinned($0) } ?? .pool,
                                             policy: policy)
            let preferred = preferredAccount
            guard let choice = selection.choose(from: accounts, preferred: preferred, excluding: failedAccounts,
                                                now: now)
            else {
                return poolDry(accounts: accounts, now: now)
            }
            if let lastAccount, lastAccount != choice.account {
                if lastFailure?.isTransient == true {
                    transientRetries += 1
                    if transientRetries > limits.maxTransientRetries {
                        return giveUp("\(limits.maxTransientRetries) transient retries spent", now: now)
                    }
                } else {
                    accountSwitches += 1
                    if accountSwitches > min(accounts.count, limits.maxAccountSwitches) {
                        return giveUp("\(accountSwitches - 1) account switches spent", now: now)
                    }
                }
            }
            return startAttempt(on: choice.account, reason: reason(for: choice, preferred: preferred,
                                                                   accounts: accounts, now: now), now: now)
        }

        /// Reports that the planned attempt's credentials cannot be had: the login is gone, or refreshing a
        /// soon-expiring token failed (then the stored token is tried: it may still be valid, and a 401 brings the
        /// refresh back).
        public mutating func credentialsUnavailable(
            _ problem: CredentialsProblem,
            account: Account,
            now: Date
        ) -> CredentialsAction {
            guard case .attempting(let attempt) = state, attempt.account == account.id else {
                preconditionFailure("RequestRouting.credentialsUnavailable called while \(state)")
            }
            switch problem {
            case .refreshFailed(_, storedTokenAvailable: true):
                return .sendWithStoredCredentials
            case .refreshFailed(let reason, storedTokenAvailable: false):
                var record = record(for: attempt, outcome: .needsLogin, upstreamStatus: nil)
                record.reason += "; no usable login: \(reason)"
                return .moveOn(markNeedsLogin(account, reason: reason, refused: nil, record: record))
            case .needsLogin(let reason, let refused):
                var record = record(for: attempt, outcome: .needsLogin, upstreamStatus: nil)
                record.reason += "; no usable login: \(reason)"
                return .moveOn(markNeedsLogin(account, reason: reason, refused: refused, record: record))
            }
        }

        /// Reports that the planned attempt's upstream answered 2xx with a good first event: the commit point. Its
        /// bookkeeping (success, usage, conversation binding) and decision row wait for ``streamEnded(_:account:now:)``
        /// so that nothing is written before the client has its response.
        public mutating func streamReady(status: Int, headers: HeaderFields, account: Account, now: Date) {
            guard case .attempting(let attempt) = state, attempt.account == account.id else {
                preconditionFailure("RequestRouting.streamReady called while \(state)")
            }
            let usage = UsageSnapshot(headers: headers, observedAt: now)
            var effects: [Effect] = [.success(account.id, at: now, sawFailures: account.consecutiveFailures)]
            if let usage { effects.append(.usage(account.id, usage)) }
            if let key = request.conversationKey { effects.append(.bindConversation(key: key, account.id)) }
            let record = record(for: attempt, outcome: .success, upstreamStatus: status)
            state = .committed(attempt, Commit(effects: effects, record: record))
        }

        /// Reports how the attempt on `account` (the one ``next(accounts:now:)`` planned) failed before the commit.
        /// `login` is the refresh token of the login the attempt was sent with: an access token the upstream calls
        /// invalidated marks the account `needs-login` only while the store still holds that login.
        public mutating func attemptFailed(
            _ outcome: AttemptOutcome,
            account: Account,
            login: RefusedRefreshToken? = nil,
            now: Date
        ) -> AttemptAction {
            guard case .attempting(let attempt) = state, attempt.account == account.id else {
                preconditionFailure("RequestRouting.attemptFailed called while \(state)")
            }
            let verdict = AttemptVerdict(classifying: outcome, now: now)
            var record = record(for: attempt, outcome: verdict.classification, upstreamStatus: outcome.upstreamStatus)
            switch verdict {
            case .success, .surface:
                preconditionFailure("RequestRouting.attemptFailed reported \(verdict); report a good first event with "
                    + "streamReady, a committed stream's end with streamEnded")

            case .failOver(let failure):
                fail(account, classification: verdict.classification, transient: failure.isTransient,
                     answer: UpstreamAnswer(outcome))
                return .moveOn(Bookkeeping(effects: failureEffects(failure, account: account), record: record))

            case .refreshThenRetry:
                if refreshedAccounts.contains(account.id) {
                    record.reason += "; refused a freshly refreshed token"
                    fail(account, classification: .unauthorized, transient: false, answer: UpstreamAnswer(outcome))
                    return .moveOn(Bookkeeping(effects: [], record: record))
                }
                state = .refreshing(attempt, record)
                return .refresh

            case .needsLogin(let reason):
                return .moveOn(markNeedsLogin(account, reason: reason, refused: login, record: record))

            case .disable(let reason, let usage):
                learnedStatus[account.id] = .disabled(reason: reason)
                fail(account, classification: verdict.classification, transient: false, answer: nil)
                var effects = [Effect.status(account.id, .disabled(reason: reason))]
                if let usage { effects.append(.usage(account.id, usage)) }
                return .moveOn(Bookkeeping(effects: effects, record: record))

            case .passThrough(let mentionsReasoning):
                if mentionsReasoning, attempt.carriesForeignState, !stripReasoning {
                    stripReasoning = true
                    retry = (account.id, "retry without reasoning items after the conversation moved")
                    state = .choosing
                    record.outcome = .reasoningRejected
                    return .moveOn(Bookkeeping(effects: [], record: record))
                }
                guard let answer = UpstreamAnswer(outcome) else {
                    preconditionFailure("only an upstream answer is passed through")
                }
                state = .finished
                return .relay(answer, Bookkeeping(effects: [], record: record))
            }
        }

        /// Reports that the committed response carries an `x-codex-turn-state`: the account that minted it is
        /// recorded with the rest of the commit, so the follow-up that echoes it finds its account.
        public mutating func turnStateMinted(key: String) {
            guard case .committed(let attempt, var commit) = state else {
                preconditionFailure("RequestRouting.turnStateMinted called while \(state)")
            }
            commit.effects.append(.bindTurnState(key: key, attempt.account))
            state = .committed(attempt, commit)
        }

        /// Reports how the committed stream ended: the commit's bookkeeping (success, affinity, usage) and its one
        /// decision row, with a cooldown when the account's limit ended the stream. The shell writes it before it
        /// flushes the terminal event, or at once when the stream broke or the client left.
        public mutating func streamEnded(
            _ end: StreamEnd,
            account: Account,
            now: Date
        ) -> Bookkeeping {
            guard case .committed(let attempt, let commit) = state, attempt.account == account.id else {
                preconditionFailure("RequestRouting.streamEnded called while \(state)")
            }
            state = .finished
            var effects = commit.effects
            var record = commit.record
            record.bytes = end.bytes
            record.inputTokens = end.tokens?.inputTokens
            record.cachedInputTokens = end.tokens?.cachedInputTokens
            record.outputTokens = end.tokens?.outputTokens
            record.reasoningTokens = end.tokens?.reasoningTokens
            record.model = end.tokens?.model ?? request.model
            if let usage = end.usage { effects.append(.usage(account.id, usage)) }
            if var tokens = end.tokens {
                tokens.model = tokens.model ?? request.model
                effects.append(.tokensUsed(account.id, tokens, at: now))
            }
            switch end.ending {
            case .completed:
                break
            case .clientClosed:
                record.outcome = .clientClosed
            case .broke(let streamBreak):
                record.outcome = .interrupted
                record.reason += "; the stream broke after the commit"
                guard case .surface(let failure?) = AttemptVerdict(classifying: .streamBrokeAfterCommit(streamBreak),
                                                                    now: now)
                else { break }
                // The account served (last used now), and its own failure (a limit, a stall) still cools it.
                effects += failureEffects(failure, account: account)
                record.reason += " (\(failure.classification.rawValue))"
            }
            return Bookkeeping(effects: effects, record: record)
        }

        /// Reports that the client went away before the commit (during an attempt, a refresh or a wait): the attempt
        /// in flight, or the request, gets its one decision row. No account is at fault.
        public mutating func clientClosed(now: Date) -> DecisionRecord {
            let record: DecisionRecord
            switch state {
            case .attempting(let attempt):
                record = self.record(for: attempt, outcome: .clientClosed, upstreamStatus: nil)
            case .refreshing(_, var refused):
                refused.outcome = .clientClosed
                refused.reason += "; the client left during the token refresh"
                record = refused
            case .choosing:
                record = DecisionRecord(time: now, requestID: request.requestID, attempt: 0, outcome: .clientClosed,
                                        reason: "the client left before an account could serve",
                                        policyVersion: policyVersion)
            case .committed(let attempt, _):
                preconditionFailure("RequestRouting.clientClosed after the commit of attempt \(attempt.number); "
                    + "report it with streamEnded")
            case .finished:
                preconditionFailure("RequestRouting.clientClosed after the request finished")
            }
            state = .finished
            return record
        }

        /// Reports how the refresh asked for by ``AttemptAction/refresh(_:)`` ended.
        public mutating func refreshFinished(
            _ result: RefreshResult,
            account: Account,
            now: Date
        ) -> RefreshAction {
            guard case .refreshing(let attempt, var record) = state, attempt.account == account.id else {
                preconditionFailure("RequestRouting.refreshFinished called while \(state)")
            }
            state = .choosing
            switch result {
            case .refreshed:
                refreshedAccounts.append(account.id)
                retry = (account.id, "retry after token refresh")
                record.reason += "; token refreshed, retrying"
                return .retry(Bookkeeping(effects: [], record: record))
            case .needsLogin(let reason, let refused):
                record.outcome = .needsLogin
                record.reason += "; token refresh refused: \(reason)"
                return .moveOn(markNeedsLogin(account, reason: reason, refused: refused, record: record))
            case .failed(let reason):
                // The token endpoint is down, slow or garbled: cool the account like a connection failure, so the
                // next requests do not each stall on the same refresh before moving on. Its login is kept.
                record.outcome = .refreshFailed
                record.reason += "; token refresh failed: \(reason)"
                fail(account, classification: .refreshFailed, transient: true, answer: nil)
                return .moveOn(Bookkeeping(effects: failureEffects(AccountFailure(.network), account: account),
                                           record: record))
            }
        }

        // MARK: - Choosing

        private var preferredAccount: (account: AccountID, reason: String)? {
            switch request.turnState {
            case .mintedBy(let owner): (owner, "minted the turn state")
            case .absent, .unknownOwner: request.boundAccount.map { ($0, "bound to conversation") }
            }
        }

        func dropsTurnState(on account: AccountID) -> Bool {
            switch request.turnState {
            case .absent: false
            case .mintedBy(let owner): owner != account
            case .unknownOwner: request.boundAccount != account
            }
        }

        // The request's history (reasoning items, turn state) was served by another account when it belongs to a
        // conversation and this account is not the one the conversation or the turn state is tied to.
        private func carriesForeignState(on account: AccountID) -> Bool {
            guard request.conversationKey != nil || request.turnState != .absent else { return false }
            return account != preferredAccount?.account
        }

        private mutating func startAttempt(on account: AccountID, reason: String, now: Date) -> Step {
            attempts += 1
            lastAccount = account
            state = .attempting(Attempt(account: account, number: attempts, reason: reason, startedAt: now,
                                        carriesForeignState: carriesForeignState(on: account)))
            return .attempt(AttemptPlan(account: account, number: attempts, reason: reason,
                                        turnState: dropsTurnState(on: account) ? .drop : .forward,
                                        reasoning: stripReasoning ? .strip : .keep))
        }

        // MARK: - Failing

        /// The attempt's decision row before the shell adds timings.
        private func record(
            for attempt: Attempt,
            outcome: DecisionRecord.Outcome,
            upstreamStatus: Int?
        ) -> DecisionRecord {
            DecisionRecord(time: attempt.startedAt, requestID: request.requestID, attempt: attempt.number,
                           accountID: attempt.account, upstreamStatus: upstreamStatus, outcome: outcome,
                           reason: attempt.reason, policyVersion: policyVersion)
        }

        /// The effects of an account failure: one more failure and a cooldown, which the store decides with
        /// ``CooldownPolicy`` from the count it holds (``DecisionRecord/noting(_:)`` adds it to the row); and the
        /// usage the failure reported. The next ``next(accounts:now:)`` reads the cooldown back with the pool.
        private func failureEffects(_ failure: AccountFailure, account: Account) -> [Effect] {
            var effects = [Effect.failure(account.id, failure)]
            if let usage = failure.signal.usage { effects.append(.usage(account.id, usage)) }
            return effects
        }

        /// Marks the account `needs-login`: only while the store holds `refused`, when the issuer refused that
        /// refresh token; else (an access token invalidated upstream, no tokens at all) at once.
        private mutating func markNeedsLogin(
            _ account: Account,
            reason: String,
            refused: RefusedRefreshToken?,
            record: DecisionRecord
        ) -> Bookkeeping {
            learnedStatus[account.id] = .needsLogin(reason: reason)
            fail(account, classification: .needsLogin, transient: false, answer: nil)
            let effect = refused.map { Effect.loginRefused(account.id, reason: reason, refused: $0) }
                ?? .status(account.id, .needsLogin(reason: reason))
            return Bookkeeping(effects: [effect], record: record)
        }

        private mutating func fail(
            _ account: Account,
            classification: DecisionRecord.Outcome,
            transient: Bool,
            answer: UpstreamAnswer?
        ) {
            failedAccounts.append(account.id)
            lastFailure = Failure(label: account.label, classification: classification, isTransient: transient,
                                  answer: answer)
            state = .choosing
        }

        // MARK: - Ending without an upstream answer

        private mutating func poolDry(accounts: [Account], now: Date) -> Step {
            let scoped = request.pinnedAccount.map { pinned in accounts.filter { $0.id == pinned } } ?? accounts
            let pool = scoped.map(applyingLearned)
            if pool.contains(where: {
                failedAccounts.contains($0.id) && $0.state(at: now) == .ready
            }) {
                return giveUp("every usable account failed for this request", now: now)
            }
            var earliest: (until: Date, account: Account, reason: CooldownReason)?
            for account in pool where !failedAccounts.contains(account.id) {
                if case .cooling(let until, let reason) = account.state(at: now),
                    earliest.map({ until < $0.until }) ?? true
                {
                    earliest = (until, account, reason)
                }
            }
            var back = earliest.map { earliest in
                (until: earliest.until, why: "\(earliest.account.label) returns at "
                    + "\(UTCCalendar.iso8601(earliest.until)) (\(earliest.reason.rawValue))")
            }
            // Selection passes over a usable account only when it is at its reserve and the policy waits; it serves
            // again when its reserve ends or a cooling account returns, whichever comes first.
            let reserved = pool.filter { !failedAccounts.contains($0.id) && $0.state(at: now) == .ready }
            let keepsReserves = policy.whenAllReserved == .wait && !reserved.isEmpty
            if keepsReserves {
                let reserveEnd = policy.earliestReserveEnd(of: reserved, at: now)
                    ?? now.addingTimeInterval(UsageWindow.unreportedResetBound)
                if back.map({ reserveEnd < $0.until }) ?? true {
                    back = (reserveEnd, "an account leaves its reserve at \(UTCCalendar.iso8601(reserveEnd))")
                }
            }
            if let back, limits.maxWait > .zero,
                back.until.timeIntervalSince(now) <= limits.maxWait.timeInterval,
                back.until.timeIntervalSince(startedAt) < limits.timeBudget.timeInterval
            {
                return .wait(until: back.until, reason: "no usable account; \(back.why)")
            }
            if keepsReserves, let back {
                return reservedPoolDry(until: back.until, reserved: reserved.count, pool: pool, now: now)
            }
            state = .finished
            let answer = PoolDryAnswer.response(accounts: pool, now: now)
            let summary = pool.isEmpty
                ? "no accounts" : pool.map { "\($0.label) \(words(for: $0, now: now))" }
                    .joined(separator: ", ")
            let record = DecisionRecord(time: now, requestID: request.requestID, attempt: 0, upstreamStatus: nil,
                                        outcome: .poolDry, reason: "no usable account: \(summary)",
                                        policyVersion: policyVersion)
            return .answer(.respond(answer), record: record)
        }

        /// Every usable account (`reserved` of them) is at its reserve, the policy waits, and an account can serve
        /// again at `until` (a reserve ends or a cooling account returns), beyond the wait: 429 with `Retry-After`
        /// and `resets_at` of that instant.
        private mutating func reservedPoolDry(until: Date, reserved: Int, pool: [Account], now: Date) -> Step {
            state = .finished
            let answer = ProxyAnswer.reservesKept(
                accounts: reserved, resetsAt: Int(until.timeIntervalSince1970.rounded(.up)),
                retryAfterSeconds: max(1, Int(until.timeIntervalSince(now).rounded(.up))))
            let summary = pool.map { "\($0.label) \(words(for: $0, now: now))" }.joined(separator: ", ")
            let record = DecisionRecord(time: now, requestID: request.requestID, attempt: 0, upstreamStatus: nil,
                                        outcome: .poolDry, reason: "every usable account reserved: \(summary)",
                                        policyVersion: policyVersion)
            return .answer(.respond(answer), record: record)
        }

        /// The account with the status this request gave it, in case the store has not shown it yet.
        private func applyingLearned(_ account: Account) -> Account {
            var account = account
            if let status = learnedStatus[account.id] { account.status = status }
            return account
        }

        private mutating func giveUp(_ why: String, now: Date) -> Step {
            state = .finished
            let record = DecisionRecord(
                time: now, requestID: request.requestID, attempt: 0, outcome: .gaveUp,
                reason: why + (lastFailure.map { "; last failure: \($0.label) \($0.classification.rawValue)" } ?? ""),
                policyVersion: policyVersion)
            return .answer(finalAnswer, record: record)
        }

        private static func seconds(_ duration: Duration) -> String {
            "\(Int(duration.timeInterval.rounded()))s"
        }
    }
}
