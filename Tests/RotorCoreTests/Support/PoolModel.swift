import Foundation
import RotorCore
import RotorTestSupport
import Testing

/// A model of the store and the upstream for driving ``RequestRouting/StateMachine`` in tests.
///
/// It applies effects the way `AccountStore` does (cooldowns merged, never shortened), answers attempts from
/// per-account scripts, and records an issue whenever the machine sends to an account that is not usable or that
/// already failed in the same request.
struct PoolModel {
    /// How a driven request ended.
    enum Ending: Equatable {
        case committed(AccountID)
        case passedThrough(AccountID)
        case surfaced(AccountID)
        case answered(ProxyAnswer)
        case gaveUp(RequestRouting.FinalAnswer)
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
    /// Conversation bindings.
    var bindings: [String: AccountID] = [:]
    var generator = SeededGenerator(seed: 5)

    init(accounts: [Account], now: Date = testNow) {
        self.accounts = accounts
        self.now = now
    }

    func account(_ id: AccountID) -> Account { accounts.first { $0.id == id }! }

    /// Runs one request to its end (bounded to 50 steps).
    mutating func drive(_ request: RequestRouting.Request, limits: RequestRouting.Limits = .init()) -> Ending? {
        var machine = RequestRouting.StateMachine(request: request, limits: limits, startedAt: now)
        var failedHere: Set<AccountID> = []
        for _ in 0..<50 {
            let step = machine.next(accounts: accounts, now: now)
            steps.append(step)
            switch step {
            case .attempt(let id, _, _, _):
                let account = account(id)
                if account.state(at: now) != .ready {
                    Issue.record("sent to an unusable account \(account.label)")
                }
                if failedHere.contains(id) { Issue.record("sent again to \(account.label), which failed already") }
                upstreamCalls.append(id)
                let outcome = script[id].flatMap { $0.isEmpty ? nil : script[id]!.removeFirst() }
                    ?? .success(status: 200, headers: [])
                var resolution = machine.attemptFinished(outcome, account: account, now: now, using: &generator)
                while true {
                    apply(resolution)
                    switch resolution.next {
                    case .commit: return .committed(id)
                    case .passThrough: return .passedThrough(id)
                    case .surface: return .surfaced(id)
                    case .continue:
                        if let record = resolution.record, record.outcome != "reasoning-rejected" {
                            failedHere.insert(id)
                        }
                    case .refresh(let refreshed):
                        let result = refreshScript[refreshed].flatMap { $0.isEmpty ? nil : refreshScript[refreshed]!.removeFirst() }
                            ?? .refreshed
                        resolution = machine.refreshFinished(
                            result, account: self.account(refreshed), now: now, using: &generator)
                        continue
                    }
                    break
                }
            case .wait(let until, _):
                #expect(until >= now)
                now = until
            case .answer(let answer, let record):
                records.append(record)
                return .answered(answer)
            case .giveUp(let answer, let record):
                records.append(record)
                return .gaveUp(answer)
            }
        }
        Issue.record("the machine did not end within 50 steps")
        return nil
    }

    /// Applies a resolution's effects like the store does.
    mutating func apply(_ resolution: RequestRouting.Resolution) {
        if let record = resolution.record { records.append(record) }
        for effect in resolution.effects {
            switch effect {
            case .cooldown(let id, let cooldown, let failures):
                let index = accounts.firstIndex { $0.id == id }!
                let merged = Cooldown.merging(existing: accounts[index].cooldown, new: cooldown, now: now)
                if let old = accounts[index].activeCooldown(at: now), merged.until < old.until {
                    Issue.record("a cooldown moved backwards")
                }
                accounts[index].cooldown = merged
                accounts[index].consecutiveFailures = failures
            case .status(let id, let status):
                accounts[accounts.firstIndex { $0.id == id }!].status = status
            case .success(let id, let at):
                let index = accounts.firstIndex { $0.id == id }!
                accounts[index].consecutiveFailures = 0
                accounts[index].lastUsedAt = at
            case .usage(let id, let snapshot):
                accounts[accounts.firstIndex { $0.id == id }!].usage = snapshot
            case .bind(let key, let id):
                bindings[key] = id
            }
        }
    }

    /// The attempts of the recorded steps: account, reason, drop turn state, strip reasoning.
    var attempts: [(account: AccountID, reason: String, dropTurnState: Bool, stripReasoning: Bool)] {
        steps.compactMap {
            guard case .attempt(let id, let reason, let drop, let strip) = $0 else { return nil }
            return (id, reason, drop, strip)
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
