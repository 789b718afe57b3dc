import Foundation
import RotorCore
import RotorTestSupport
import Testing

/// A model of the store and the upstream for driving ``RequestRouting/StateMachine`` in tests.
///
/// It applies effects the way `AccountStore` does (one more failure and ``CooldownPolicy``'s cooldown from the count
/// it holds, merged, never shortened; a success resets the count only if it still holds what the request read),
/// answers attempts from per-account scripts, completes committed streams, and records an issue whenever the machine
/// sends to an account that is not usable or that already failed in the same request.
struct PoolModel {
    /// How a driven request ended.
    enum Ending: Equatable {
        case committed(AccountID)
        case passedThrough(AccountID)
        case answered(RequestRouting.FinalAnswer)
    }

    var accounts: [Account]
    var now: Date
    /// Per-account queue of answers; an account without one answers success.
    var script: [AccountID: [AttemptOutcome]] = [:]
    /// Per-account queue of refresh results; default `.refreshed`.
    var refreshScript: [AccountID: [RequestRouting.RefreshResult]] = [:]
    /// Every step the machine returned, in order.
    var steps: [RequestRouting.Step] = []
    /// Every decision record written.
    var records: [DecisionRecord] = []
    /// Upstream calls made.
    var upstreamCalls: [AccountID] = []
    /// Conversation and turn-state bindings.
    var bindings: [String: AccountID] = [:]
    var generator = SeededGenerator(seed: 5)

    init(accounts: [Account], now: Date = testNow) {
        self.accounts = accounts
        self.now = now
    }

    func account(_ id: AccountID) -> Account { accounts.first { $0.id == id }! }

    /// Runs one request to its end (bounded to 50 steps); a committed stream completes.
    mutating func drive(_ request: RequestRouting.Request, limits: RequestRouting.Limits = .init()) -> Ending? {
        var machine = RequestRouting.StateMachine(request: request, limits: limits, startedAt: now)
        var failedHere: Set<AccountID> = []
        for _ in 0..<50 {
            let step = machine.next(accounts: accounts, now: now)
            steps.append(step)
            switch step {
            case .attempt(let plan):
                let id = plan.account
                let account = account(id)
                if account.state(at: now) != .ready {
                    Issue.record("sent to an unusable account \(account.label)")
                }
                if failedHere.contains(id) { Issue.record("sent again to \(account.label), which failed already") }
                upstreamCalls.append(id)
                let outcome = script[id].flatMap { $0.isEmpty ? nil : script[id]!.removeFirst() }
                    ?? .success(status: 200, headers: [])
                if case .success(let status, let headers) = outcome {
                    machine.streamReady(status: status, headers: headers, account: account, now: now)
                    apply(machine.streamEnded(.init(ending: .completed, bytes: 10), account: account, now: now))
                    return .committed(id)
                }
                switch machine.attemptFailed(outcome, account: account, now: now) {
                case .relay(_, let bookkeeping):
                    apply(bookkeeping)
                    return .passedThrough(id)
                case .moveOn(let bookkeeping):
                    apply(bookkeeping)
                    if bookkeeping.record.outcome != .reasoningRejected { failedHere.insert(id) }
                case .refresh:
                    let result = refreshScript[id].flatMap { $0.isEmpty ? nil : refreshScript[id]!.removeFirst() }
                        ?? .refreshed
                    switch machine.refreshFinished(result, account: self.account(id), now: now) {
                    case .retry(let after):
                        apply(after)
                    case .moveOn(let after):
                        apply(after)
                        failedHere.insert(id)
                    }
                }
            case .wait(let until, _):
                #expect(until >= now)
                now = until
            case .answer(let answer, let record):
                records.append(record)
                return .answered(answer)
            }
        }
        Issue.record("the machine did not end within 50 steps")
        return nil
    }

    /// Applies bookkeeping like the store does, checking that no cooldown moves backwards.
    mutating func apply(_ bookkeeping: RequestRouting.Bookkeeping) {
        let before = accounts
        let cooldowns = RequestRouting.apply(bookkeeping.effects, to: &accounts, now: now, using: &generator)
        for (old, new) in zip(before, accounts) {
            if let previous = old.activeCooldown(at: now), let current = new.cooldown, current.until < previous.until {
                Issue.record("a cooldown moved backwards")
            }
        }
        for effect in bookkeeping.effects {
            if case .bindConversation(let key, let id) = effect { bindings[key] = id }
            if case .bindTurnState(let key, let id) = effect { bindings[key] = id }
        }
        let record = bookkeeping.record
        records.append(record.accountID.flatMap { cooldowns[$0] }.map(record.noting) ?? record)
    }

    /// The attempts of the recorded steps.
    var attempts: [RequestRouting.AttemptPlan] {
        steps.compactMap {
            guard case .attempt(let plan) = $0 else { return nil }
            return plan
        }
    }
}

/// A JSON error answer with `headers`.
func errorOutcome(_ status: Int, _ body: String, headers: HeaderFields = []) -> AttemptOutcome {
    .errorResponse(status: status, headers: headers, body: bytes(body))
}

/// A 429 `usage_limit_reached` resetting `seconds` after `testNow`.
func usageLimited(resetIn seconds: Int) -> AttemptOutcome {
    errorOutcome(429, #"{"error":{"type":"usage_limit_reached","resets_at":\#(1_767_225_600 + seconds)}}"#)
}
