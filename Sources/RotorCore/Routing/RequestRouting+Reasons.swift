#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension RequestRouting.StateMachine {
    // The words of the decision log: why an account was chosen, why the others were skipped, and the answer when
    // the request gives up.

        /// Why `choice` serves the next attempt, for its decision row: the last failure or the preferred account
        /// it replaces, the selection's reason, the accounts skipped, and a dropped turn state.
        func reason(
            for choice: AccountSelection.Choice,
            preferred: (account: AccountID, reason: String)?,
            accounts: [Account],
            now: Date
        ) -> String {
            var parts: [String] = []
            if let lastFailure {
                parts.append("after \(lastFailure.label) \(lastFailure.classification.rawValue)")
            } else if let preferred, preferred.account != choice.account,
                let account = accounts.first(where: { $0.id == preferred.account })
            {
                let words = self.words(for: account, now: now)
                parts.append("\(preferred.reason) account \(account.label) \(words)")
            } else if let preferred, preferred.account != choice.account {
                parts.append("\(preferred.reason) account is gone")
            }
            parts.append(choice.reason)
            // A reserve kept an account out only when reserves apply: not to a pinned request, nor when they are spent.
            let reservesApplied = request.pinnedAccount == nil && !choice.spendsReserves
            if let skipped = skippedSummary(accounts: accounts, chosen: choice.account, reservesApplied: reservesApplied,
                                            now: now)
            {
                parts.append(skipped)
            }
            if dropsTurnState(on: choice.account) { parts.append("x-codex-turn-state dropped") }
            return parts.joined(separator: "; ")
        }

        /// Why the accounts that were not chosen could not serve (at most a few named, the rest counted), so the
        /// decision log answers "why not account Z" without a second query.
        func skippedSummary(accounts: [Account], chosen: AccountID, reservesApplied: Bool, now: Date) -> String? {
            let namedLimit = 5
            var named: [String] = []
            var unnamed = 0
            // The account that failed last is already named by the reason ("after … usage-limit").
            for account in accounts where account.id != chosen && account.label != lastFailure?.label {
                let failed = failedAccounts.contains(account.id)
                let state = account.state(at: now)
                if !failed, state == .ready {
                    guard reservesApplied, policy.isAtReserve(account, at: now) else { continue }
                }
                // Past the named few only the count is needed: the words are built for those named.
                guard named.count < namedLimit else {
                    unnamed += 1
                    continue
                }
                let words = failed ? "failed earlier in this request"
                    : state == .ready ? policy.reservations(of: account, at: now).first?.description ?? "reserved"
                    : Self.words(for: state)
                named.append("\(account.label) \(words)")
            }
            guard !named.isEmpty else { return nil }
            return "skipped " + named.joined(separator: ", ") + (unnamed > 0 ? " and \(unnamed) more" : "")
        }

        /// How the decision log says why `account` cannot serve at `now`: its state, else its first window at its
        /// reserve (`reserved (weekly 71% used, keeps 30%)`).
        func words(for account: Account, now: Date) -> String {
            if let reservation = policy.shownReservation(of: account, at: now) { return reservation.description }
            return Self.words(for: account.state(at: now))
        }

        /// How the decision log says why an account in `state` cannot serve.
        static func words(for state: AccountState) -> String {
            switch state {
            case .ready: "is excluded"
            case .cooling(let until, let reason): "is out (\(reason.rawValue) until \(UTCCalendar.iso8601(until)))"
            case .needsLogin: "needs a login"
            case .disabled: "is disabled"
            }
        }

        /// The answer when the request gives up: the last failure decides it.
        var finalAnswer: RequestRouting.FinalAnswer {
            guard let lastFailure else { return .respond(.attemptsSpent) }
            // A 5xx or 401 body from the upstream says more than rotor can; a relayed 429 would not carry the pool's
            // Retry-After, so limits get rotor's own retryable answer.
            switch lastFailure.classification {
            case .overloaded, .unauthorized:
                if let answer = lastFailure.answer, !answer.isFailedEvent { return .relay(answer) }
                return .respond(lastFailure.classification == .overloaded ? .upstreamUnreachable : .attemptsSpent)
            case .network, .refreshFailed: return .respond(.upstreamUnreachable)
            case .timeout: return .respond(.upstreamTimeout)
            case .success, .usageLimit, .rateLimit, .needsLogin, .disabled, .passThrough, .reasoningRejected,
                .interrupted, .clientClosed, .poolDry, .gaveUp:
                return .respond(.attemptsSpent)
            }
        }
}
