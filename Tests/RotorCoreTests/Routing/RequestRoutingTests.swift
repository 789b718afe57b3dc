import Foundation
import RotorCore
import RotorTestSupport
import Testing

struct RequestRoutingTests {
    static func request(
        _ id: String = "req-1",
        conversation: String? = nil,
        bound: AccountID? = nil,
        turnState: RequestRouting.TurnState = .absent,
        pinned: AccountID? = nil
    ) -> RequestRouting.Request {
        RequestRouting.Request(requestID: id, conversationKey: conversation, boundAccount: bound, turnState: turnState,
                               pinnedAccount: pinned)
    }

    /// A usage-limited A hands the same request to B; A stays out exactly until its `resets_at`.
    @Test func usageLimitedAccountFailsOver() {
        var pool = PoolModel(accounts: [testAccount(1), testAccount(2, lastUsedAt: testNow)])
        pool.script[testID(1)] = [usageLimited(resetIn: 3_600)]
        let ending = pool.drive(Self.request(conversation: "conv"))
        #expect(ending == .committed(testID(2)))
        #expect(pool.upstreamCalls == [testID(1), testID(2)])
        #expect(pool.account(testID(1)).cooldown == Cooldown(until: testNow.addingTimeInterval(3_600),
                                                             reason: .usageLimit))
        #expect(pool.account(testID(1)).consecutiveFailures == 1)
        #expect(pool.account(testID(2)).lastUsedAt == testNow)
        #expect(pool.bindings["conv"] == testID(2))
        #expect(pool.attempts[1].reason == "after acct1 usage-limit; only usable account")
        #expect(pool.records.map(\.outcome) == [.usageLimit, .success])
        #expect(pool.records[0].cooldownUntil == testNow.addingTimeInterval(3_600))
        #expect(pool.records[0].reason.hasSuffix("cooldown from error.resets_at"))
        #expect(pool.records.map(\.policyVersion) == [RoutingPolicy.default.version, RoutingPolicy.default.version])
    }

    /// The same when the limit arrives as a `response.failed` first event after a 200 head.
    @Test func failedFirstEventFailsOver() {
        var pool = PoolModel(accounts: [testAccount(1), testAccount(2, lastUsedAt: testNow)])
        let event = #"{"type":"response.failed","response":{"error":{"code":"usage_limit_reached","resets_in_seconds":600}}}"#
        pool.script[testID(1)] = [.failedFirstEvent(status: 200, headers: [], event: bytes(event))]
        #expect(pool.drive(Self.request()) == .committed(testID(2)))
        #expect(pool.account(testID(1)).cooldown?.until == testNow.addingTimeInterval(600))
    }

    /// All accounts limited: the pool-dry 429 carries the earliest reset, and the next request spends no upstream call.
    @Test func allLimitedAnswersPoolDry() {
        var pool = PoolModel(accounts: [testAccount(1), testAccount(2)])
        pool.script[testID(1)] = [usageLimited(resetIn: 7_200)]
        pool.script[testID(2)] = [usageLimited(resetIn: 3_600)]
        let expected = ProxyAnswer.usageLimitReached(accounts: 2, resetsAt: 1_767_229_200, retryAfterSeconds: 3_600)
        #expect(expected.body == bytes(
            #"{"error":{"message":"All 2 accounts have reached their usage limit; the next one resets at 2026-01-01T01:00:00Z.","resets_at":1767229200,"type":"usage_limit_reached"}}"#))
        #expect(pool.drive(Self.request()) == .answered(.respond(expected)))
        #expect(pool.upstreamCalls.count == 2)

        pool.now = testNow.addingTimeInterval(600)
        let later = pool.drive(Self.request("req-2"))
        #expect(pool.upstreamCalls.count == 2)
        guard case .answered(.respond(let answer))? = later else {
            Issue.record("expected a pool-dry answer, got \(String(describing: later))")
            return
        }
        #expect(answer.retryAfterSeconds == 3_000)
        #expect(pool.records.last?.outcome == .poolDry)
    }

    /// 401 → refresh → the same account again, which succeeds.
    @Test func unauthorizedRefreshesAndRetriesSameAccount() {
        var pool = PoolModel(accounts: [testAccount(1), testAccount(2, lastUsedAt: testNow)])
        pool.script[testID(1)] = [errorOutcome(401, #"{"error":{"code":"token_expired"}}"#)]
        #expect(pool.drive(Self.request()) == .committed(testID(1)))
        #expect(pool.upstreamCalls == [testID(1), testID(1)])
        #expect(pool.attempts[1].reason == "retry after token refresh")
        #expect(pool.records.map(\.outcome) == [.unauthorized, .success])
    }

    /// A second 401 after a refresh moves on; a refresh that needs a login marks the account and moves on.
    @Test(arguments: [
        ([errorOutcome(401, ""), errorOutcome(401, "")], [RequestRouting.RefreshResult.refreshed], AccountStatus.ready),
        ([errorOutcome(401, "")], [.needsLogin(reason: "refresh_token_reused", refused: RefusedRefreshToken("rt"))],
         .needsLogin(reason: "refresh_token_reused")),
        ([errorOutcome(401, "")], [.failed(reason: "token endpoint timed out")], .ready),
        ([errorOutcome(401, #"{"error":{"code":"token_invalidated"}}"#)], [], .needsLogin(
            reason: "the upstream says the access token was invalidated (401)")),
    ])
    func unauthorizedFailures(answers: [AttemptOutcome], refreshes: [RequestRouting.RefreshResult],
                              status: AccountStatus) {
        var pool = PoolModel(accounts: [testAccount(1), testAccount(2, lastUsedAt: testNow)])
        pool.script[testID(1)] = answers
        pool.refreshScript[testID(1)] = refreshes
        #expect(pool.drive(Self.request()) == .committed(testID(2)))
        #expect(pool.account(testID(1)).status == status)
    }

    /// A refresh that fails for now (the token endpoint down, slow or garbled) cools the account with the connection
    /// backoff (cap 60 s), so the next requests do not each wait on the same refresh before moving on; its login is
    /// kept.
    @Test func aFailedRefreshCoolsTheAccount() {
        var pool = PoolModel(accounts: [testAccount(1), testAccount(2, lastUsedAt: testNow)])
        pool.script[testID(1)] = [errorOutcome(401, "")]
        pool.refreshScript[testID(1)] = [.failed(reason: "token endpoint timed out")]
        #expect(pool.drive(Self.request()) == .committed(testID(2)))
        let cooled = pool.account(testID(1))
        #expect(cooled.status == .ready)
        #expect(cooled.cooldown?.reason == .network)
        #expect(cooled.consecutiveFailures == 1)
        let until = cooled.cooldown?.until ?? testNow
        #expect(until > testNow && until <= testNow.addingTimeInterval(60))
        #expect(pool.records.map(\.outcome) == [.refreshFailed, .success], "one row for the 401 attempt")
        #expect(pool.drive(Self.request()) == .committed(testID(2)))
    }

    /// A turn state stays on the account that minted it; when that account is out, another serves without it.
    @Test func turnStateOwnerUnusableDropsTurnState() {
        let owner = testAccount(1, cooldown: Cooldown(until: testNow.addingTimeInterval(900), reason: .usageLimit))
        var pool = PoolModel(accounts: [owner, testAccount(2)])
        #expect(pool.drive(Self.request(conversation: "c", bound: testID(1), turnState: .mintedBy(testID(1))))
            == .committed(testID(2)))
        #expect(pool.attempts[0].turnState == .drop)
        #expect(pool.attempts[0].reason.contains("minted the turn state account acct1 is out (usage-limit"))
        #expect(pool.attempts[0].reason.hasSuffix("x-codex-turn-state dropped"))
        #expect(pool.bindings["c"] == testID(2))

        var healthy = PoolModel(accounts: [testAccount(1, lastUsedAt: testNow), testAccount(2)])
        #expect(healthy.drive(Self.request(turnState: .mintedBy(testID(1)))) == .committed(testID(1)))
        #expect(healthy.attempts[0].turnState == .forward)
        #expect(healthy.attempts[0].reason == "minted the turn state")
    }

    /// A turn state of unknown origin is kept on the bound account and dropped anywhere else.
    @Test func unknownTurnStateOwner() {
        var bound = PoolModel(accounts: [testAccount(1), testAccount(2)])
        #expect(bound.drive(Self.request(conversation: "c", bound: testID(2), turnState: .unknownOwner))
            == .committed(testID(2)))
        #expect(bound.attempts[0].turnState == .forward)
        var unbound = PoolModel(accounts: [testAccount(1), testAccount(2)])
        _ = unbound.drive(Self.request(turnState: .unknownOwner))
        #expect(unbound.attempts[0].turnState == .drop)
    }

    /// A conversation stays on its bound account while it is usable.
    @Test func affinityKeepsBoundAccount() {
        var pool = PoolModel(accounts: [testAccount(1), testAccount(2, lastUsedAt: testNow)])
        for n in 0..<20 {
            pool.now = testNow.addingTimeInterval(Double(n))
            #expect(pool.drive(Self.request("r\(n)", conversation: "c", bound: testID(2))) == .committed(testID(2)))
        }
        #expect(pool.attempts.allSatisfy { $0.reason == "bound to conversation" })
    }

    /// Right after a move, a 400 naming reasoning is retried once on the same account without reasoning items.
    @Test func stripsReasoningOnceAfterMove() {
        let rejected = errorOutcome(400, #"{"error":{"message":"Invalid 'input[2].encrypted_content'."}}"#)
        let bound = testAccount(1, cooldown: Cooldown(until: testNow.addingTimeInterval(900), reason: .rateLimit))
        var pool = PoolModel(accounts: [bound, testAccount(2)])
        pool.script[testID(2)] = [rejected]
        #expect(pool.drive(Self.request(conversation: "c", bound: testID(1))) == .committed(testID(2)))
        #expect(pool.attempts.map(\.reasoning) == [.keep, .strip])
        #expect(pool.attempts.map(\.account) == [testID(2), testID(2)])

        var twice = PoolModel(accounts: [bound, testAccount(2)])
        twice.script[testID(2)] = [rejected, rejected]
        #expect(twice.drive(Self.request(conversation: "c", bound: testID(1))) == .passedThrough(testID(2)))
        #expect(twice.upstreamCalls.count == 2)

        var unmoved = PoolModel(accounts: [testAccount(1), testAccount(2)])
        unmoved.script[testID(1)] = [rejected]
        #expect(unmoved.drive(Self.request(conversation: "c", bound: testID(1))) == .passedThrough(testID(1)))
    }

    /// A request error passes through unchanged, without touching the account.
    @Test func requestErrorsPassThrough() {
        var pool = PoolModel(accounts: [testAccount(1), testAccount(2)])
        pool.script[testID(1)] = [errorOutcome(413, "")]
        #expect(pool.drive(Self.request()) == .passedThrough(testID(1)))
        #expect(pool.account(testID(1)) == testAccount(1))
    }

    /// Account switches are bounded by min(accounts, 4).
    @Test func accountSwitchesAreBounded() {
        var pool = PoolModel(accounts: (1...8).map { testAccount($0) })
        for n in 1...8 { pool.script[testID(n)] = [errorOutcome(429, #"{"error":{"code":"rate_limit_exceeded"}}"#)] }
        guard case .answered(.respond(let answer)) = pool.drive(Self.request()) else {
            Issue.record("expected to give up with rotor's answer")
            return
        }
        #expect(pool.upstreamCalls.count == 5)
        #expect(answer.status == 429 && answer.retryAfterSeconds == 1)
        #expect(pool.records.last?.reason == "4 account switches spent; last failure: acct5 rate-limit")
    }

    /// Transient failures get at most 2 retries, then the last upstream error is relayed.
    @Test func transientRetriesAreBounded() {
        var pool = PoolModel(accounts: (1...5).map { testAccount($0) })
        for n in 1...5 { pool.script[testID(n)] = [errorOutcome(503, #"{"error":{"code":"server_is_overloaded"}}"#)] }
        guard case .answered(.relay(let answer)) = pool.drive(Self.request()) else {
            Issue.record("expected the last upstream answer to be relayed")
            return
        }
        #expect(answer.status == 503)
        #expect(answer.body == bytes(#"{"error":{"code":"server_is_overloaded"}}"#))
        #expect(pool.upstreamCalls.count == 3)
    }

    /// Network failures end in a 502 once the retries are spent; timeouts in a 504.
    @Test(arguments: [(AttemptOutcome.connectFailed(.refused), 502), (.headerTimeout, 504)])
    func transientGiveUpAnswers(outcome: AttemptOutcome, status: Int) {
        var pool = PoolModel(accounts: (1...4).map { testAccount($0) })
        for n in 1...4 { pool.script[testID(n)] = [outcome] }
        guard case .answered(.respond(let answer)) = pool.drive(Self.request()) else {
            Issue.record("expected to give up with rotor's answer")
            return
        }
        #expect(answer.status == status)
    }

    /// No new attempt starts after the time budget.
    @Test func timeBudgetIsRespected() {
        let pool = PoolModel(accounts: [testAccount(1), testAccount(2)])
        var machine = RequestRouting.StateMachine(request: Self.request(), limits: .init(timeBudget: .seconds(60)),
                                                  startedAt: testNow)
        guard case .attempt(let plan) = machine.next(accounts: pool.accounts, now: testNow) else {
            Issue.record("expected an attempt")
            return
        }
        let action = machine.attemptFailed(.headerTimeout, account: pool.account(plan.account),
                                           now: testNow.addingTimeInterval(61))
        guard case .moveOn = action else {
            Issue.record("expected to move on, got \(action)")
            return
        }
        guard case .answer(let answer, let record) = machine.next(accounts: pool.accounts,
                                                               now: testNow.addingTimeInterval(61))
        else {
            Issue.record("expected to give up")
            return
        }
        #expect(answer == .respond(.upstreamTimeout))
        #expect(record.reason.hasPrefix("time budget of 60s spent"))
    }

    /// A return within maxWait is waited for, then served; beyond it, the pool-dry answer comes at once.
    @Test func waitsForNearReset() {
        let soon = testAccount(2, cooldown: Cooldown(until: testNow.addingTimeInterval(10), reason: .rateLimit))
        var pool = PoolModel(accounts: [testAccount(1), soon])
        pool.script[testID(1)] = [usageLimited(resetIn: 3_600)]
        #expect(pool.drive(Self.request()) == .committed(testID(2)))
        #expect(pool.now == testNow.addingTimeInterval(10))
        #expect(pool.steps.contains(.wait(until: testNow.addingTimeInterval(10),
            reason: "no usable account; acct2 returns at 2026-01-01T00:00:10Z (rate-limit)")))

        var impatient = PoolModel(accounts: [testAccount(1), soon])
        impatient.script[testID(1)] = [usageLimited(resetIn: 3_600)]
        guard case .answered(.respond(let answer)) = impatient.drive(Self.request(), limits: .init(maxWait: .zero)) else {
            Issue.record("expected a pool-dry answer")
            return
        }
        #expect(answer.retryAfterSeconds == 10)
        #expect(String(decoding: answer.body, as: UTF8.self).contains("rotor_pool_busy"))
    }

    /// A return within `maxWait` is waited for, one beyond it is not, and zero disables waiting.
    @Test(arguments: [(Duration.seconds(20), true), (.seconds(11), false), (.zero, false)])
    func waitsOnlyWithinMaxWait(maxWait: Duration, waits: Bool) {
        let until = testNow.addingTimeInterval(12)
        let accounts = [testAccount(1, cooldown: Cooldown(until: until, reason: .usageLimit)),
                        testAccount(2, status: .disabled(reason: "user"))]
        var machine = RequestRouting.StateMachine(request: Self.request(), limits: .init(maxWait: maxWait),
                                                  startedAt: testNow)
        switch machine.next(accounts: accounts, now: testNow) {
        case .wait(let at, _): #expect(waits && at == until)
        case .answer: #expect(!waits)
        default: Issue.record("expected a wait or the pool-dry answer")
        }
    }

    /// Pinned mode uses only its account; when it is out the answer speaks of that account alone.
    @Test func pinnedAccountOnly() {
        var pool = PoolModel(accounts: [testAccount(1), testAccount(2)])
        pool.script[testID(2)] = [usageLimited(resetIn: 60)]
        guard case .answered(.respond(let answer)) = pool.drive(Self.request(pinned: testID(2)), limits: .init(maxWait: .zero))
        else {
            Issue.record("expected a pool-dry answer for the pinned account")
            return
        }
        #expect(pool.upstreamCalls == [testID(2)])
        #expect(String(decoding: answer.body, as: UTF8.self).contains("The account has reached its usage limit"))
    }

    /// After the commit a broken stream is surfaced, never replayed; an account-related cause still benches it, and
    /// the committed attempt keeps its one decision row.
    @Test func brokenStreamIsSurfaced() {
        let pool = PoolModel(accounts: [testAccount(1)])
        var machine = RequestRouting.StateMachine(request: Self.request(conversation: "c"), startedAt: testNow)
        _ = machine.next(accounts: pool.accounts, now: testNow)
        machine.streamReady(status: 200, headers: [], account: pool.account(testID(1)), now: testNow)
        let event = bytes(#"{"type":"response.failed","response":{"error":{"code":"rate_limit_exceeded"}}}"#)
        let bookkeeping = machine.streamEnded(.init(ending: .broke(.failedEvent(event)), bytes: 120),
                                              account: pool.account(testID(1)), now: testNow)
        #expect(bookkeeping.record.outcome == .interrupted)
        #expect(bookkeeping.record.bytes == 120)
        #expect(bookkeeping.effects.contains { if case .failure(testID(1), let failure) = $0 {
            failure.classification == .rateLimit } else { false } })
        #expect(bookkeeping.effects.first == .success(testID(1), at: testNow, sawFailures: 0), "it served")
        #expect(bookkeeping.effects.contains(.bindConversation(key: "c", testID(1))))
    }

    /// The committed attempt's bookkeeping waits for the stream's end and is written as one: success (with the
    /// failure count the request read), the head's usage, the conversation and turn-state bindings, the stream's
    /// usage and tokens, and one decision row.
    @Test func commitBookkeepingWaitsForTheStreamsEnd() {
        let account = testAccount(1, consecutiveFailures: 2)
        var machine = RequestRouting.StateMachine(request: Self.request(conversation: "c"), startedAt: testNow)
        _ = machine.next(accounts: [account], now: testNow)
        machine.streamReady(status: 200, headers: [], account: account, now: testNow)
        machine.turnStateMinted(key: "turn-state:abc")
        let usage = UsageSnapshot(primary: UsageWindow(usedPercent: 40, windowMinutes: 300), observedAt: testNow)
        let tokens = TokenCounts(inputTokens: 5, cachedInputTokens: 1, outputTokens: 2, reasoningTokens: 1,
                                 model: "gpt-5-codex")
        let bookkeeping = machine.streamEnded(.init(ending: .completed, bytes: 99, usage: usage, tokens: tokens),
                                              account: account, now: testNow)
        #expect(bookkeeping.effects == [
            .success(testID(1), at: testNow, sawFailures: 2), .bindConversation(key: "c", testID(1)),
            .bindTurnState(key: "turn-state:abc", testID(1)), .usage(testID(1), usage),
            .tokensUsed(testID(1), tokens, at: testNow),
        ])
        #expect(bookkeeping.record.outcome == .success)
        #expect(bookkeeping.record.attempt == 1)
        #expect(bookkeeping.record.bytes == 99)
        #expect(bookkeeping.record.inputTokens == 5 && bookkeeping.record.cachedInputTokens == 1)
        #expect(bookkeeping.record.outputTokens == 2 && bookkeeping.record.reasoningTokens == 1)
        #expect(bookkeeping.record.model == "gpt-5-codex")
    }

    /// A client that leaves gets its one row: mid-stream (the commit's bookkeeping still stands), during an attempt,
    /// or while the request waits for an account.
    @Test func clientClosedLeavesOneRow() {
        let account = testAccount(1)
        var committed = RequestRouting.StateMachine(request: Self.request(conversation: "c"), startedAt: testNow)
        _ = committed.next(accounts: [account], now: testNow)
        committed.streamReady(status: 200, headers: [], account: account, now: testNow)
        let left = committed.streamEnded(.init(ending: .clientClosed, bytes: 7), account: account, now: testNow)
        #expect(left.record.outcome == .clientClosed)
        #expect(left.record.bytes == 7)
        #expect(left.effects.first == .success(testID(1), at: testNow, sawFailures: 0))

        var attempting = RequestRouting.StateMachine(request: Self.request(), startedAt: testNow)
        _ = attempting.next(accounts: [account], now: testNow)
        let during = attempting.clientClosed(now: testNow)
        #expect(during.outcome == .clientClosed && during.attempt == 1 && during.accountID == testID(1))

        let cooling = testAccount(1, cooldown: Cooldown(until: testNow.addingTimeInterval(5), reason: .rateLimit))
        var waiting = RequestRouting.StateMachine(request: Self.request(), startedAt: testNow)
        guard case .wait = waiting.next(accounts: [cooling], now: testNow) else {
            Issue.record("expected a wait")
            return
        }
        let whileWaiting = waiting.clientClosed(now: testNow)
        #expect(whileWaiting.outcome == .clientClosed && whileWaiting.attempt == 0 && whileWaiting.accountID == nil)
    }

    /// Credentials that cannot be had: a refresh that failed for now falls back to the stored token; a dead login
    /// marks the account and moves on.
    @Test func credentialsUnavailable() {
        let account = testAccount(1)
        var fallback = RequestRouting.StateMachine(request: Self.request(), startedAt: testNow)
        _ = fallback.next(accounts: [account], now: testNow)
        #expect(fallback.credentialsUnavailable(.refreshFailed(reason: "timeout", storedTokenAvailable: true),
                                                account: account, now: testNow) == .sendWithStoredCredentials)

        var dead = RequestRouting.StateMachine(request: Self.request(), startedAt: testNow)
        _ = dead.next(accounts: [account], now: testNow)
        let refused = RefusedRefreshToken("rt-dead")
        guard case .moveOn(let bookkeeping) = dead.credentialsUnavailable(
            .needsLogin(reason: "refresh_token_reused", refused: refused), account: account, now: testNow)
        else {
            Issue.record("expected to move on")
            return
        }
        #expect(bookkeeping.effects == [.loginRefused(testID(1), reason: "refresh_token_reused", refused: refused)])
        #expect(bookkeeping.record.outcome == .needsLogin)
    }

    /// An access token the upstream calls invalidated marks the account only while the store holds the login the
    /// attempt was sent with.
    @Test func anInvalidatedAccessTokenMarksOnlyItsLogin() {
        let account = testAccount(1)
        var machine = RequestRouting.StateMachine(request: Self.request(), startedAt: testNow)
        _ = machine.next(accounts: [account], now: testNow)
        let login = RefusedRefreshToken("rt-sent")
        guard case .moveOn(let bookkeeping) = machine.attemptFailed(
            errorOutcome(401, #"{"error":{"code":"token_invalidated"}}"#), account: account, login: login,
            now: testNow)
        else {
            Issue.record("expected to move on")
            return
        }
        #expect(bookkeeping.effects == [.loginRefused(
            testID(1), reason: "the upstream says the access token was invalidated (401)", refused: login)])
    }

    /// A 2xx whose body ends before its first event is a connection failure of the account.
    @Test func streamEndingBeforeItsFirstEventIsANetworkFailure() {
        var pool = PoolModel(accounts: [testAccount(1), testAccount(2, lastUsedAt: testNow)])
        pool.script[testID(1)] = [.endedBeforeFirstEvent(status: 200, headers: [])]
        #expect(pool.drive(Self.request()) == .committed(testID(2)))
        #expect(pool.records.map(\.outcome) == [.network, .success])
        #expect(pool.account(testID(1)).cooldown?.reason == .network)
    }

    /// Property: over random pools and scripts the machine never sends to an unusable or already-failed account
    /// (PoolModel checks every attempt), cooldowns never move backwards, and every request ends within its bounds.
    @Test func randomScriptsKeepInvariants() {
        var generator = SeededGenerator(seed: 1_234)
        let outcomes: [AttemptOutcome] = [
            .success(status: 200, headers: []), usageLimited(resetIn: 120), usageLimited(resetIn: 5),
            errorOutcome(429, #"{"error":{"code":"rate_limit_exceeded","message":"try again in 3s"}}"#),
            errorOutcome(503, ""), .connectFailed(.reset), .headerTimeout, errorOutcome(401, ""),
            errorOutcome(403, #"{"error":{"code":"deactivated_workspace"}}"#), errorOutcome(400, "bad"),
            .failedFirstEvent(status: 200, headers: [], event: bytes(#"{"response":{"error":{"code":"slow_down"}}}"#)),
        ]
        for round in 0..<300 {
            var pool = PoolModel(accounts: (0..<Int(1 + generator.next() % 7)).map { randomAccount($0, using: &generator) })
            pool.generator = SeededGenerator(seed: UInt64(round))
            for account in pool.accounts {
                pool.script[account.id] = (0..<3).map { _ in outcomes.randomElement(using: &generator)! }
            }
            let limits = RequestRouting.Limits(maxWait: generator.next() % 2 == 0 ? .zero : .seconds(20))
            let bound = pool.accounts.randomElement(using: &generator)?.id
            #expect(pool.drive(Self.request(conversation: "c", bound: bound), limits: limits) != nil)
            #expect(pool.upstreamCalls.count <= 1 + 4 + 2 + 2)
        }
    }
}

struct RequestRoutingFinishTests {
    /// The machine is finished exactly after the request's final row: not after a failed attempt that moves on,
    /// nor at the commit, but at the stream's end; and after an answer without a stream.
    @Test func isFinishedOnlyAfterTheFinalRow() {
        let (a, b) = (testAccount(1), testAccount(2, lastUsedAt: testNow))
        var machine = RequestRouting.StateMachine(request: RequestRoutingTests.request(), startedAt: testNow)
        #expect(!machine.isFinished)
        guard case .attempt(let first) = machine.next(accounts: [a, b], now: testNow) else {
            Issue.record("expected an attempt")
            return
        }
        #expect(first.account == a.id)
        guard case .moveOn = machine.attemptFailed(usageLimited(resetIn: 600), account: a, now: testNow) else {
            Issue.record("expected to move on")
            return
        }
        #expect(!machine.isFinished)
        _ = machine.next(accounts: [a, b], now: testNow)
        machine.streamReady(status: 200, headers: [], account: b, now: testNow)
        #expect(!machine.isFinished)
        let end = machine.streamEnded(.init(ending: .completed, bytes: 10), account: b, now: testNow)
        #expect(end.record.outcome == .success)
        #expect(machine.isFinished)

        var dry = RequestRouting.StateMachine(request: RequestRoutingTests.request("req-2"), startedAt: testNow)
        guard case .answer = dry.next(accounts: [], now: testNow) else {
            Issue.record("expected an answer without a stream")
            return
        }
        #expect(dry.isFinished)
    }
}
