#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// The per-request failover loop of the proxy, as plain values: what the shell tells it and what it answers.
///
/// The shell drives ``StateMachine``: it calls ``StateMachine/next(accounts:now:)`` and performs the ``Step`` (an
/// attempt as an ``AttemptPlan`` says, a wait, or the final answer). It feeds back what happened as events, each
/// with its own action type: ``StateMachine/credentialsUnavailable(_:account:now:)`` (``CredentialsAction``),
/// ``StateMachine/attemptFailed(_:account:now:)`` (``AttemptAction``), ``StateMachine/refreshFinished(_:account:now:)``
/// (``RefreshAction``), ``StateMachine/streamReady(status:headers:account:now:)`` and
/// ``StateMachine/turnStateMinted(key:)`` at the commit, then ``StateMachine/streamEnded(_:account:now:)`` or
/// ``StateMachine/clientClosed(now:)``. Each action carries the ``Bookkeeping`` the shell writes in one transaction:
/// store ``Effect``s and the attempt's one decision row, whose reason says why.
public enum RequestRouting {
    /// Who minted the `x-codex-turn-state` the client sent.
    public enum TurnState: Hashable, Sendable {
        /// The request carries no turn state.
        case absent
        /// This account minted it: the request must stay there, or drop the header.
        case mintedBy(AccountID)
        /// The request carries one but its minting account is unknown; it is kept only on the conversation's
        /// bound account, the one that most likely served the turn.
        case unknownOwner
    }

    /// What the machine needs to know about the client request.
    public struct Request: Hashable, Sendable {
        /// The proxy's id for the request, shared by every attempt in the decision log.
        public var requestID: String
        /// `prompt_cache_key`, else the `session-id` header; `nil` when neither is present.
        public var conversationKey: String?
        /// The account the conversation is bound to, when bound.
        public var boundAccount: AccountID?
        /// Who minted the request's `x-codex-turn-state`.
        public var turnState: TurnState
        /// `--account`: only this account may serve.
        public var pinnedAccount: AccountID?
        /// The request body's `model`, for the decision log.
        public var model: String?

        /// Creates a request description.
        public init(
            requestID: String,
            conversationKey: String? = nil,
            boundAccount: AccountID? = nil,
            turnState: TurnState = .absent,
            pinnedAccount: AccountID? = nil,
            model: String? = nil
        ) {
            self.requestID = requestID
            self.conversationKey = conversationKey
            self.boundAccount = boundAccount
            self.turnState = turnState
            self.pinnedAccount = pinnedAccount
            self.model = model
        }
    }

    /// The bounds of one request's failover loop.
    public struct Limits: Hashable, Sendable {
        /// Moves to another account after an account failure; the pool size bounds it too.
        public var maxAccountSwitches: Int
        /// Further attempts after transient failures (network, timeouts, overload).
        public var maxTransientRetries: Int
        /// The wall-clock time after which no new attempt starts.
        public var timeBudget: Duration
        /// `ROTOR_MAX_WAIT`: how long the request may wait for the earliest account return; zero disables waiting.
        public var maxWait: Duration

        /// Creates limits; the defaults are 4 switches, 2 transient retries, 60 s and a 20 s wait.
        public init(
            maxAccountSwitches: Int = 4,
            maxTransientRetries: Int = 2,
            timeBudget: Duration = .seconds(60),
            maxWait: Duration = .seconds(20)
        ) {
            self.maxAccountSwitches = maxAccountSwitches
            self.maxTransientRetries = maxTransientRetries
            self.timeBudget = timeBudget
            self.maxWait = maxWait
        }
    }

    /// What the shell does next for the request.
    public enum Step: Hashable, Sendable {
        /// Send the request upstream as the plan says, then report `streamReady` (relay the held stream, then report
        /// `streamEnded`) or `attemptFailed`; or, when the account's credentials cannot be had,
        /// `credentialsUnavailable`.
        case attempt(AttemptPlan)
        /// Wait until this instant (while the client is connected), then call `next` again.
        case wait(until: Date, reason: String)
        /// The request is over without an attempt to make: answer the client as ``FinalAnswer`` says, and write the
        /// record.
        case answer(FinalAnswer, record: DecisionRecord)
    }

    /// One attempt: the account, why it was chosen, and how the request is rewritten for it.
    public struct AttemptPlan: Hashable, Sendable {
        /// The account to send on.
        public var account: AccountID
        /// 1-based attempt number within the request.
        public var number: Int
        /// Why this account, for the decision log.
        public var reason: String
        /// What happens to the client's `x-codex-turn-state`.
        public var turnState: TurnStateHandling
        /// What happens to the `reasoning` items of the request's `input`.
        public var reasoning: ReasoningHandling

        /// Creates a plan.
        public init(account: AccountID, number: Int, reason: String, turnState: TurnStateHandling,
                    reasoning: ReasoningHandling) {
            self.account = account
            self.number = number
            self.reason = reason
            self.turnState = turnState
            self.reasoning = reasoning
        }
    }

    /// What an attempt does with the client's `x-codex-turn-state`.
    public enum TurnStateHandling: Hashable, Sendable {
        /// Send it (or there is none).
        case forward
        /// Remove it: another account minted it, and the upstream would refuse it.
        case drop
    }

    /// What an attempt does with the `reasoning` items of the request's `input`.
    public enum ReasoningHandling: Hashable, Sendable {
        /// Send them unchanged.
        case keep
        /// Remove every `input` item of type `reasoning`: another account's encrypted reasoning was refused.
        case strip
    }

    /// The answer when the request ends without a stream.
    public enum FinalAnswer: Hashable, Sendable {
        /// Send this upstream answer (the last one, or the one that ends the request) to the client unchanged.
        case relay(UpstreamAnswer)
        /// Answer with one of rotor's own answers.
        case respond(ProxyAnswer)
    }

    /// An upstream answer kept to be relayed: a non-2xx response, or a 2xx whose first event was a failure.
    public struct UpstreamAnswer: Hashable, Sendable {
        /// The upstream status.
        public var status: Int
        /// The upstream response headers (lower-case names, in order).
        public var headers: [HeaderField]
        /// The body of a non-2xx response, or the failed first event's JSON `data`.
        public var body: [UInt8]
        /// Whether `body` is a failed first SSE event's data rather than a whole response body.
        public var isFailedEvent: Bool

        /// Creates an answer.
        public init(status: Int, headers: [HeaderField], body: [UInt8], isFailedEvent: Bool) {
            self.status = status
            self.headers = headers
            self.body = body
            self.isFailedEvent = isFailedEvent
        }

        /// The answer `outcome` carries; `nil` for an outcome without one (no head, a timeout, a commit).
        init?(_ outcome: AttemptOutcome) {
            switch outcome {
            case .errorResponse(let status, let headers, let body):
                self.init(status: status, headers: headers.map(HeaderField.init), body: body, isFailedEvent: false)
            case .failedFirstEvent(let status, let headers, let event):
                self.init(status: status, headers: headers.map(HeaderField.init), body: event, isFailedEvent: true)
            case .connectFailed, .headerTimeout, .idleTimeoutBeforeFirstEvent, .endedBeforeFirstEvent, .success,
                .streamBrokeAfterCommit:
                return nil
            }
        }
    }

    /// One response header of an ``UpstreamAnswer``.
    public struct HeaderField: Hashable, Sendable {
        /// The lower-case name.
        public var name: String
        /// The value.
        public var value: String

        /// Creates a field.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }

        init(_ field: (name: String, value: String)) {
            self.init(name: field.name, value: field.value)
        }
    }

    /// Why an account's credentials could not be had before an attempt.
    public enum CredentialsProblem: Hashable, Sendable {
        /// The login is gone for good: the issuer refused `refused` (or the account already needs a login while
        /// the store holds `refused`).
        case needsLogin(reason: String, refused: RefusedRefreshToken)
        /// Refreshing a soon-expiring access token failed for now; `storedTokenAvailable`: an access token is stored
        /// (it may still be valid).
        case refreshFailed(reason: String, storedTokenAvailable: Bool)
    }

    /// How a token refresh requested by ``AttemptAction/refresh(_:)`` ended.
    public enum RefreshResult: Hashable, Sendable {
        /// New tokens are stored: retry the same account once.
        case refreshed
        /// The refresh token is dead (`refresh_token_reused`, `invalid_grant`, …): the account needs a login.
        case needsLogin(reason: String, refused: RefusedRefreshToken)
        /// The token endpoint failed transiently.
        case failed(reason: String)
    }

    /// How a committed stream ended, as the relay saw it.
    public struct StreamEnd: Hashable, Sendable {
        /// How it ended.
        public enum Ending: Hashable, Sendable {
            /// A terminal event (`response.completed`, `response.incomplete`, …) that is not a failure arrived.
            case completed
            /// The stream broke: a failed event, a lost connection, upstream silence.
            case broke(StreamBreak)
            /// The client went away.
            case clientClosed
        }

        /// How it ended.
        public var ending: Ending
        /// Response bytes relayed to the client.
        public var bytes: Int
        /// The last usage windows the stream reported (`codex.rate_limits`), if any.
        public var usage: UsageSnapshot?
        /// The token counts of `response.completed`, if it arrived.
        public var tokens: TokenCounts?

        /// Creates a stream end.
        public init(ending: Ending, bytes: Int, usage: UsageSnapshot? = nil, tokens: TokenCounts? = nil) {
            self.ending = ending
            self.bytes = bytes
            self.usage = usage
            self.tokens = tokens
        }
    }

    /// A change the shell applies to the store. Failure counts change in the store (`+ 1` in SQL), never as an
    /// absolute value read earlier, so that simultaneous failures all count.
    public enum Effect: Hashable, Sendable {
        /// Count one more consecutive failure and cool the account down by ``CooldownPolicy`` with the count the
        /// store holds in the same transaction.
        case failure(AccountID, AccountFailure)
        /// `setStatus(_:for:)`: the account is disabled, or its access token was invalidated upstream.
        case status(AccountID, AccountStatus)
        /// The issuer refused the account's refresh token: it needs a login — unless the store no longer holds the
        /// refused token (a login stored since then wins).
        case loginRefused(AccountID, reason: String, refused: RefusedRefreshToken)
        /// Last used now; consecutive failures back to 0 if the store still holds `sawFailures`, the count this
        /// request read (a failure another request recorded meanwhile stands).
        case success(AccountID, at: Date, sawFailures: Int)
        /// `recordUsage(_:for:)`.
        case usage(AccountID, UsageSnapshot)
        /// Bind the conversation key to the account.
        case bindConversation(key: String, AccountID)
        /// Bind the turn-state key (a hash of the value) to the account that minted it.
        case bindTurnState(key: String, AccountID)
        /// Add a completed request's tokens to the usage ledger (kept apart from the decision log, for 400 days).
        case tokensUsed(AccountID, TokenCounts, at: Date)
    }

    /// What the shell writes for an event, in one transaction: the store effects, then the attempt's (or the
    /// request's) one decision-log row, to which the shell adds timings.
    public struct Bookkeeping: Hashable, Sendable {
        /// Changes to apply to the store, in order.
        public var effects: [Effect]
        /// The decision-log row.
        public var record: DecisionRecord

        /// Creates bookkeeping.
        public init(effects: [Effect], record: DecisionRecord) {
            self.effects = effects
            self.record = record
        }
    }

    /// What the shell does after an attempt failed before the commit.
    public enum AttemptAction: Hashable, Sendable {
        /// Write the bookkeeping, then call `next` again.
        case moveOn(Bookkeeping)
        /// Refresh this account's token (single-flight), then call `refreshFinished`, which returns the attempt's
        /// row.
        case refresh
        /// Write the bookkeeping and send the upstream's answer to the client unchanged: the request is over.
        case relay(UpstreamAnswer, Bookkeeping)
    }

    /// What the shell does when an account's credentials could not be had before an attempt.
    public enum CredentialsAction: Hashable, Sendable {
        /// Send the planned attempt with the stored access token.
        case sendWithStoredCredentials
        /// Write the bookkeeping (the account needs a login), then call `next` again.
        case moveOn(Bookkeeping)
    }

    /// What the shell does after a token refresh; either way the 401 attempt's one row is written.
    public enum RefreshAction: Hashable, Sendable {
        /// Write the bookkeeping, then call `next`, which retries the same account once.
        case retry(Bookkeeping)
        /// Write the bookkeeping, then call `next` again.
        case moveOn(Bookkeeping)
    }
}
