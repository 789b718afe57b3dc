extension AccountStore {
    /// Tunables of the store, with the defaults every rotor process uses.
    public struct Configuration: Sendable, Hashable {
        /// How long an operation waits for another process's write lock before failing with `database-locked`.
        public var busyTimeout: Duration
        /// How much of the decision log is kept.
        public var decisionRetention: DecisionRetention

        /// Creates a configuration.
        public init(busyTimeout: Duration = .seconds(5), decisionRetention: DecisionRetention = .init()) {
            self.busyTimeout = busyTimeout
            self.decisionRetention = decisionRetention
        }

        /// 5 s busy timeout; the newest 20,000 decisions of the last 14 days.
        public static let `default` = Configuration()
    }

    /// The bound on the decision log, enforced each time decisions are appended.
    public struct DecisionRetention: Sendable, Hashable {
        /// At most this many rows are kept (the newest).
        public var maximumCount: Int
        /// Rows older than this, measured back from the newest appended decision, are dropped.
        public var maximumAge: Duration

        /// Creates a retention bound.
        public init(maximumCount: Int = 20_000, maximumAge: Duration = .seconds(14 * 24 * 3600)) {
            self.maximumCount = maximumCount
            self.maximumAge = maximumAge
        }
    }
}
