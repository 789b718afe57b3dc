#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

extension PolicySimulation {
    /// What one policy did with the simulated requests.
    public struct Outcome: Sendable, Hashable {
        /// One account's part.
        public struct AccountOutcome: Sendable, Hashable {
            /// The account.
            public var id: AccountID
            /// Its label.
            public var label: String
            /// The requests it served.
            public var requests: Int
            /// When one of its windows first reached 100 % (the account exhausted until that window's reset).
            public var firstExhaustedAt: Date?
            /// Quota left unused at the resets inside the span, per window: 100 − used % at each reset, summed.
            public var unusedAtResets: [UsageWindowName: Double]

            /// Creates an account's outcome.
            public init(
                id: AccountID, label: String, requests: Int, firstExhaustedAt: Date?,
                unusedAtResets: [UsageWindowName: Double]
            ) {
                self.id = id
                self.label = label
                self.requests = requests
                self.firstExhaustedAt = firstExhaustedAt
                self.unusedAtResets = unusedAtResets
            }
        }

        /// Each account's part, in the simulation's order.
        public var accounts: [AccountOutcome]
        /// The requests an account served.
        public var served: Int
        /// The requests that found the pool dry (no account the policy would use).
        public var dry: Int
        /// Consecutive served requests on different accounts.
        public var switches: Int
        /// How long, in all, the pool was dry: from the moment no account could serve (after a request, or at the
        /// start) to the reset that let one serve again.
        public var dryDuration: TimeInterval
        /// The requests served before the first request that found the pool dry (all of them when none did).
        public var servedBeforeFirstDry: Int
        /// When the first request found the pool dry.
        public var firstDryRequestAt: Date?

        /// ``dryDuration`` in whole minutes, rounded to the nearest.
        public var dryMinutes: Int { Int((dryDuration / 60).rounded()) }

        /// Quota left unused at resets, per window, summed over the accounts.
        public var unusedAtResets: [UsageWindowName: Double] {
            accounts.reduce(into: [:]) { total, account in
                for (window, unused) in account.unusedAtResets { total[window, default: 0] += unused }
            }
        }
    }
}
