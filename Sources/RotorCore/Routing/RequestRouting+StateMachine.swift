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
            case refreshing(Attempt)
            case committed(Attempt)
            case finished
        }

        private struct Attempt: Hashable, Sendable {
            var account: AccountID
            var number: Int
            var reason: String
            var startedAt: Date
            var carriesForeignState: Bool
        }

        /// What this request learned about an account, laid over the pool it reads when no account is left.
        private enum Learned: Hashable, Sendable {
            case cooldown(Cooldown, consecutiveFailures: Int)
            case status(AccountStatus)
        }

        private struct Failure: Hashable, Sendable {
            var label: String
            var classification: String
            var isTransient: Bool
            var relayable: Bool
        }

        /// The request being routed.
        public let request: Request
        /// The loop's bounds.
        public let limits: Limits
        /// When the request arrived.
        public let startedAt: Date

        private var state = State.choosing
        private var attempts = 0
        private var accountSwitches = 0
        private var transientRetries = 0
        private var failedAccounts: [AccountID] = []
        private var learned: [AccountID: Learned] = [:]
        private var refreshedAccounts: [AccountID] = []
        private var retry: (account: AccountID, reason: String)?
        private var lastFailure: Failure?
        private var lastAccount: AccountID?
        private var stripReasoning = false

        /// Starts routing `request`, which arrived at `startedAt`.
        public init(request: Request, limits: Limits = Limits(), startedAt: Date) {
            self.request = request
            self.limits = limits
            self.startedAt = startedAt
        }

        /// Upstream attempts made so far.
        public var attemptCount: Int { attempts }

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
            let selection = AccountSelection(strategy: request.pinnedAccount.map { .pinned($0) } ?? .pool)
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

        /// Reports how the attempt on `account` (the one ``next(accounts:now:)`` named) ended.
        public mutating func attemptFinished(
            _ outcome: AttemptOutcome,
            account: Account,
            now: Date,
            using generator: inout some RandomNumberGenerator
        ) -> Resolution {
            let attempt: Attempt
            switch (state, outcome) {
            case (.attempting(let current), _), (.committed(let current), .streamBrokeAfterCommit):
                attempt = current
            default:
                preconditionFailure("RequestRouting.attemptFinished called while \(state); only a committed stream "
                    + "may report streamBrokeAfterCommit, once")
            }
            precondition(attempt.account == account.id, "attemptFinished reported for another account")
            let verdict = AttemptVerdict(classifying: outcome, now: now)
            var record = DecisionRecord(
                time: attempt.startedAt, requestID: request.requestID, attempt: attempt.number,
                accountID: account.id, upstreamStatus: outcome.upstreamStatus, outcome: verdict.classification,
                reason: attempt.reason)
            switch verdict {
            case .success(let usage):
                state = .committed(attempt)
                var effects: [Effect] = [.success(account.id, at: now)]
                if let usage { effects.append(.usage(account.id, usage)) }
                if let key = request.conversationKey { effects.append(.bind(conversationKey: key, account.id)) }
                return Resolution(effects: effects, next: .commit, record: record)

            case .failOver(let failure):
                let (effects, cooldown) = cooldownEffects(failure, account: account, now: now, using: &generator)
                record.cooldownUntil = cooldown.cooldown.until
                record.cooldownReason = cooldown.cooldown.reason
                record.reason += "; cooldown from \(cooldown.source)"
                fail(account, classification: verdict.classification, transient: failure.isTransient,
                     relayable: Self.isResponse(outcome))
                return Resolution(effects: effects, next: .continue, record: record)

            case .refreshThenRetry:
                if refreshedAccounts.contains(account.id) {
                    record.reason += "; refused a freshly refreshed token"
                    fail(account, classification: "unauthorized", transient: false, relayable: true)
                    return Resolution(effects: [], next: .continue, record: record)
                }
                state = .refreshing(attempt)
                record.reason += "; refreshing the token"
                return Resolution(effects: [], next: .refresh(account.id), record: record)

            case .needsLogin(let reason):
                let effect = Effect.status(account.id, .needsLogin(reason: reason))
                learned[account.id] = .status(.needsLogin(reason: reason))
                fail(account, classification: verdict.classification, transient: false, relayable: false)
                return Resolution(effects: [effect], next: .continue, record: record)

            case .disable(let reason, let usage):
                let effect = Effect.status(account.id, .disabled(reason: reason))
                learned[account.id] = .status(.disabled(reason: reason))
                fail(account, classification: verdict.classification, transient: false, relayable: false)
                var effects = [effect]
                if let usage { effects.append(.usage(account.id, usage)) }
                return Resolution(effects: effects, next: .continue, record: record)

            case .passThrough(let mentionsReasoning):
                if mentionsReasoning, attempt.carriesForeignState, !stripReasoning {
                    stripReasoning = true
                    retry = (account.id, "retry without reasoning items after the conversation moved")
                    state = .choosing
                    record.outcome = "reasoning-rejected"
                    return Resolution(effects: [], next: .continue, record: record)
                }
                state = .finished
                return Resolution(effects: [], next: .passThrough, record: record)

            case .surface(let failure):
                state = .finished
                guard let failure else { return Resolution(effects: [], next: .surface, record: record) }
                let (effects, cooldown) = cooldownEffects(failure, account: account, now: now, using: &generator)
                record.cooldownUntil = cooldown.cooldown.until
                record.cooldownReason = cooldown.cooldown.reason
                record.reason += "; \(failure.classification.rawValue) after commit, cooldown from \(cooldown.source)"
                return Resolution(effects: effects, next: .surface, record: record)
            }
        }

        /// Reports how the refresh asked for by ``NextAction/refresh(_:)`` ended.
        public mutating func refreshFinished(
            _ result: RefreshResult,
            account: Account,
            now: Date,
            using generator: inout some RandomNumberGenerator
        ) -> Resolution {
            guard case .refreshing(let attempt) = state, attempt.account == account.id else {
                preconditionFailure("RequestRouting.refreshFinished called while \(state)")
            }
            state = .choosing
            var record = DecisionRecord(
                time: now, requestID: request.requestID, attempt: attempt.number, accountID: account.id,
                outcome: "needs-login", reason: "token refresh failed")
            switch result {
            case .refreshed:
                refreshedAccounts.append(account.id)
                retry = (account.id, "retry after token refresh")
                return Resolution(effects: [], next: .continue, record: nil)
            case .needsLogin(let reason):
                let effect = Effect.status(account.id, .needsLogin(reason: reason))
                learned[account.id] = .status(.needsLogin(reason: reason))
                record.reason = "token refresh refused: \(reason)"
                fail(account, classification: "needs-login", transient: false, relayable: false)
                return Resolution(effects: [effect], next: .continue, record: record)
            case .failed(let reason):
                // The token endpoint is down, slow or garbled: cool the account like a connection failure, so the
                // next requests do not each stall on the same refresh before moving on. Its login is kept.
                let (effects, decision) = cooldownEffects(
                    AccountFailure(.network), account: account, now: now, using: &generator)
                record.outcome = "refresh-failed"
                record.reason = "token refresh failed: \(reason)"
                record.cooldownUntil = decision.cooldown.until
                record.cooldownReason = decision.cooldown.reason
                record.reason += "; cooldown from \(decision.source)"
                fail(account, classification: "refresh-failed", transient: true, relayable: false)
                return Resolution(effects: effects, next: .continue, record: record)
            }
        }

        // MARK: - Choosing

        private var preferredAccount: (account: AccountID, reason: String)? {
            switch request.turnState {
            case .mintedBy(let owner): (owner, "minted the turn state")
            case .absent, .unknownOwner: request.boundAccount.map { ($0, "bound to conversation") }
            }
        }

        private func dropsTurnState(on account: AccountID) -> Bool {
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
            return .attempt(account, reason: reason, dropTurnState: dropsTurnState(on: account),
                            stripReasoning: stripReasoning)
        }

        private func reason(
            for choice: AccountSelection.Choice,
            preferred: (account: AccountID, reason: String)?,
            accounts: [Account],
            now: Date
        ) -> String {
            var parts: [String] = []
            if let lastFailure {
                parts.append("after \(lastFailure.label) \(lastFailure.classification)")
            } else if let preferred, preferred.account != choice.account,
                let account = accounts.first(where: { $0.id == preferred.account })
            {
                let words = Self.words(for: account.state(at: now))
                parts.append("\(preferred.reason) account \(account.label) \(words)")
            } else if let preferred, preferred.account != choice.account {
                parts.append("\(preferred.reason) account is gone")
            }
            parts.append(choice.reason)
            if let skipped = skippedSummary(accounts: accounts, chosen: choice.account, now: now) {
                parts.append(skipped)
            }
            if dropsTurnState(on: choice.account) { parts.append("x-codex-turn-state dropped") }
            return parts.joined(separator: "; ")
        }

        /// Why the accounts that were not chosen could not serve (at most a few named, the rest counted), so the
        /// decision log answers "why not account Z" without a second query.
        private func skippedSummary(accounts: [Account], chosen: AccountID, now: Date) -> String? {
            let namedLimit = 5
            var named: [String] = []
            var unnamed = 0
            // The account that failed last is already named by the reason ("after … usage-limit").
            for account in accounts where account.id != chosen && account.label != lastFailure?.label {
                let words: String
                if failedAccounts.contains(account.id) {
                    words = "failed earlier in this request"
                } else {
                    let state = account.state(at: now)
                    guard state != .ready else { continue }
                    words = Self.words(for: state)
                }
                if named.count < namedLimit { named.append("\(account.label) \(words)") } else { unnamed += 1 }
            }
            guard !named.isEmpty else { return nil }
            return "skipped " + named.joined(separator: ", ") + (unnamed > 0 ? " and \(unnamed) more" : "")
        }

        private static func words(for state: AccountState) -> String {
            switch state {
            case .ready: "is excluded"
            case .cooling(let until, let reason): "is out (\(reason.rawValue) until \(UTCCalendar.iso8601(until)))"
            case .needsLogin: "needs a login"
            case .disabled: "is disabled"
            }
        }

        // MARK: - Failing

        private mutating func cooldownEffects(
            _ failure: AccountFailure,
            account: Account,
            now: Date,
            using generator: inout some RandomNumberGenerator
        ) -> ([Effect], CooldownPolicy.Decision) {
            let decision = CooldownPolicy.decide(
                for: failure, consecutiveFailures: account.consecutiveFailures, existing: account.cooldown, now: now,
                using: &generator)
            let failures = max(0, account.consecutiveFailures) + 1
            learned[account.id] = .cooldown(decision.cooldown, consecutiveFailures: failures)
            var effects = [Effect.cooldown(account.id, decision.cooldown, consecutiveFailures: failures)]
            if let usage = failure.signal.usage { effects.append(.usage(account.id, usage)) }
            return (effects, decision)
        }

        private mutating func fail(_ account: Account, classification: String, transient: Bool, relayable: Bool) {
            failedAccounts.append(account.id)
            lastFailure = Failure(label: account.label, classification: classification, isTransient: transient,
                                  relayable: relayable)
            state = .choosing
        }

        private static func isResponse(_ outcome: AttemptOutcome) -> Bool {
            if case .errorResponse = outcome { return true }
            return false
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
            if let earliest, limits.maxWait > .zero,
                earliest.until.timeIntervalSince(now) <= limits.maxWait.timeInterval,
                earliest.until.timeIntervalSince(startedAt) < limits.timeBudget.timeInterval
            {
                return .wait(until: earliest.until, reason: "no usable account; \(earliest.account.label) returns at "
                    + "\(UTCCalendar.iso8601(earliest.until)) (\(earliest.reason.rawValue))")
            }
            state = .finished
            let answer = PoolDryAnswer.response(accounts: pool, now: now)
            let summary = pool.isEmpty
                ? "no accounts" : pool.map { "\($0.label) \(Self.words(for: $0.state(at: now)))" }
                    .joined(separator: ", ")
            let record = DecisionRecord(time: now, requestID: request.requestID, attempt: 0, upstreamStatus: nil,
                                        outcome: "pool-dry", reason: "no usable account: \(summary)")
            return .answer(answer, record: record)
        }

        private func applyingLearned(_ account: Account) -> Account {
            var account = account
            switch learned[account.id] {
            case .cooldown(let cooldown, let failures)?:
                if account.cooldown.map({ $0.until < cooldown.until }) ?? true { account.cooldown = cooldown }
                account.consecutiveFailures = failures
            case .status(let status)?:
                account.status = status
            case nil:
                break
            }
            return account
        }

        private mutating func giveUp(_ why: String, now: Date) -> Step {
            state = .finished
            let record = DecisionRecord(
                time: now, requestID: request.requestID, attempt: 0, outcome: "gave-up",
                reason: why + (lastFailure.map { "; last failure: \($0.label) \($0.classification)" } ?? ""))
            return .giveUp(finalAnswer, record: record)
        }

        private var finalAnswer: FinalAnswer {
            guard let lastFailure else { return .respond(.attemptsSpent) }
            // A 5xx or 401 body from the upstream says more than rotor can; a relayed 429 would not carry the pool's
            // Retry-After, so limits get rotor's own retryable answer.
            if lastFailure.relayable, ["overloaded", "unauthorized"].contains(lastFailure.classification) {
                return .relayLastResponse
            }
            switch lastFailure.classification {
            case "network", "refresh-failed", "overloaded": return .respond(.upstreamUnreachable)
            case "timeout": return .respond(.upstreamTimeout)
            default: return .respond(.attemptsSpent)
            }
        }

        private static func seconds(_ duration: Duration) -> String {
            "\(Int(duration.timeInterval.rounded()))s"
        }
    }
}
