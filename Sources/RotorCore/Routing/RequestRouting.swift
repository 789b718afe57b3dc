#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// The per-request failover loop of the proxy, as plain values: what the shell tells it and what it answers.
///
/// The shell drives ``StateMachine``: it calls ``StateMachine/next(accounts:now:)`` and executes the ``Step``
/// (send the request upstream on an account, wait, or answer); it reports each attempt with
/// ``StateMachine/attemptFinished(_:account:now:using:)`` and a token refresh with
/// ``StateMachine/refreshFinished(_:account:now:using:)``, applies the returned ``Effect``s to the store, writes the
/// ``Resolution/record`` to the decision log, and does what ``NextAction`` says. Every step carries the reason the
/// decision log shows.
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

        /// Creates a request description.
        public init(
            requestID: String,
            conversationKey: String? = nil,
            boundAccount: AccountID? = nil,
            turnState: TurnState = .absent,
            pinnedAccount: AccountID? = nil
        ) {
            self.requestID = requestID
            self.conversationKey = conversationKey
            self.boundAccount = boundAccount
            self.turnState = turnState
            self.pinnedAccount = pinnedAccount
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
        /// Send the request upstream on this account, then report with `attemptFinished`. `dropTurnState`: remove
        /// `x-codex-turn-state`; `stripReasoning`: remove every `input` item of type `reasoning`.
        case attempt(AccountID, reason: String, dropTurnState: Bool, stripReasoning: Bool)
        /// Wait until this instant (while the client is connected), then call `next` again.
        case wait(until: Date, reason: String)
        /// No account is usable: answer the client with this, and log the record.
        case answer(ProxyAnswer, record: DecisionRecord)
        /// The bounds are spent: answer as ``FinalAnswer`` says, and log the record.
        case giveUp(FinalAnswer, record: DecisionRecord)
    }

    /// The answer when the loop gives up.
    public enum FinalAnswer: Hashable, Sendable {
        /// Send the last upstream error response (status, headers, body) to the client unchanged.
        case relayLastResponse
        /// Answer with this.
        case respond(ProxyAnswer)
    }

    /// How a token refresh requested by ``NextAction/refresh(_:)`` ended.
    public enum RefreshResult: Hashable, Sendable {
        /// New tokens are stored: retry the same account once.
        case refreshed
        /// The refresh token is dead (`refresh_token_reused`, `invalid_grant`, …): the account needs a login.
        case needsLogin(reason: String)
        /// The token endpoint failed transiently.
        case failed(reason: String)
    }

    /// A change the shell applies to the store.
    public enum Effect: Hashable, Sendable {
        /// `recordCooldown(_:consecutiveFailures:for:now:)`.
        case cooldown(AccountID, Cooldown, consecutiveFailures: Int)
        /// `setStatus(_:for:)`.
        case status(AccountID, AccountStatus)
        /// `recordSuccess(for:at:)`: failures back to 0, last used now.
        case success(AccountID, at: Date)
        /// `recordUsage(_:for:)`.
        case usage(AccountID, UsageSnapshot)
        /// `bindConversation(_:to:now:ttl:)`.
        case bind(conversationKey: String, AccountID)
    }

    /// What the shell does after an attempt or a refresh.
    public enum NextAction: Hashable, Sendable {
        /// Relay the held response (head, first event, rest of the stream) to the client.
        case commit
        /// Call `next` again.
        case `continue`
        /// Refresh this account's token (single-flight), then call `refreshFinished`.
        case refresh(AccountID)
        /// Send the upstream answer to the client unchanged.
        case passThrough
        /// The stream was committed and broke: end the client's stream with an SSE error event.
        case surface
    }

    /// The outcome of an attempt or a refresh: store effects, the next action, and the decision-log record.
    public struct Resolution: Hashable, Sendable {
        /// Changes to apply to the store, in order.
        public var effects: [Effect]
        /// What to do next.
        public var next: NextAction
        /// The decision-log record (the shell adds the conversation key hash, timings, bytes and token usage);
        /// `nil` when nothing happened worth a line (a successful refresh; the retry logs its own).
        public var record: DecisionRecord?

        /// Creates a resolution.
        public init(effects: [Effect], next: NextAction, record: DecisionRecord?) {
            self.effects = effects
            self.next = next
            self.record = record
        }
    }
}
