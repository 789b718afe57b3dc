#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// A replay of a sequence of requests against a pool of simulated accounts under one ``RoutingPolicy``: which account
/// the policy picks for each request, how fast the accounts' usage windows fill, when the pool runs dry and how much
/// quota is left unused when the windows reset (docs/routing.md, "Simulating a policy").
///
/// Pure and deterministic: the requests carry their own instants and no clock is read. Each request is given to
/// ``AccountSelection`` — the routing machine's own choice, not a copy of its strategies — over the accounts as the
/// simulation has them at that instant; the chosen account's windows then rise by what one request costs of them.
public struct PolicySimulation: Sendable, Hashable {
    /// One usage window of a simulated account.
    public struct Window: Sendable, Hashable {
        /// The window's name (its length).
        public var name: UsageWindowName
        /// The percentage used at the start of the simulation.
        public var usedPercent: Double
        /// The instants the window resets at, as recorded, ascending. The window resets at each of them after the
        /// start, and one window length after any reset that the next recorded one does not follow sooner; the
        /// last one at or before the start (else the start itself) sets that rhythm from the start. Resets less than
        /// ``UsageWindow/sameResetTolerance`` apart are one.
        public var resets: [Date]
        /// The percentage of the window one request costs.
        public var costPerRequest: Double

        /// Creates a window.
        public init(name: UsageWindowName, usedPercent: Double, resets: [Date], costPerRequest: Double) {
            self.name = name
            self.usedPercent = usedPercent
            self.resets = resets
            self.costPerRequest = costPerRequest
        }

        /// `resets` ascending, those less than ``UsageWindow/sameResetTolerance`` after the one kept before them
        /// dropped: readings of one reset that differ by seconds are one reset.
        static func distinct(_ resets: [Date]) -> [Date] {
            var distinct: [Date] = []
            for reset in resets.sorted()
            where distinct.last.map({ reset.timeIntervalSince($0) >= UsageWindow.sameResetTolerance }) ?? true {
                distinct.append(reset)
            }
            return distinct
        }
    }

    /// One account of the simulated pool.
    public struct SimulatedAccount: Sendable, Hashable {
        /// The account's id (what a policy's priorities and reserves name).
        public var id: AccountID
        /// Its label, for reports.
        public var label: String
        /// Its plan, when known.
        public var plan: String?
        /// Its windows (at most two, as the upstream reports them; shortest first).
        public var windows: [Window]

        /// Creates a simulated account.
        public init(id: AccountID, label: String, plan: String?, windows: [Window]) {
            self.id = id
            self.label = label
            self.plan = plan
            self.windows = windows
        }
    }

    /// The pool, in the order reports list it.
    public var accounts: [SimulatedAccount]
    /// The instants of the requests, ascending.
    public var requests: [Date]
    /// The start of the simulated span.
    public var start: Date
    /// The end of the simulated span (resets up to it count, a dry pool is counted up to it).
    public var end: Date

    /// Creates a simulation of `requests` (sorted here) between `start` and `end`.
    public init(accounts: [SimulatedAccount], requests: [Date], start: Date, end: Date) {
        self.accounts = accounts
        self.requests = requests.sorted()
        self.start = start
        self.end = end
    }

    /// Replays the requests under `policy`.
    public func run(policy: RoutingPolicy) -> Outcome {
        var replay = Replay(simulation: self, policy: policy)
        for request in requests where request >= start && request <= end {
            replay.advance(to: request)
            replay.serve(at: request)
        }
        replay.advance(to: end)
        return replay.outcome(end: end)
    }
}
