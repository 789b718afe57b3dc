/// One difference between two routing policies, as `rotor policy check` says it: `strategy: headroom → reset-first`,
/// `reserve weekly: 0% → 30%`, `work priority: 1 → 2`, `work reserve weekly: 0% → 30%`,
/// `when-all-reserved: use-reserve → wait`.
public struct RoutingPolicyChange: Hashable, Sendable, CustomStringConvertible {
    /// What changed: `strategy`, `reserve weekly`, `<label> priority`, `<label> reserve <window>`,
    /// `when-all-reserved`.
    public var subject: String
    /// The value before, as printed (`headroom`, `0%`, `1`).
    public var old: String
    /// The value after, as printed.
    public var new: String

    /// Creates a change.
    public init(subject: String, old: String, new: String) {
        self.subject = subject
        self.old = old
        self.new = new
    }

    /// `<subject>: <old> → <new>`.
    public var description: String { "\(subject): \(old) → \(new)" }

    /// Every difference from `old` to `new` in a stable order: the strategy, the reserves (shorter windows first),
    /// `when-all-reserved`, then each account (by label) with its priority and its own reserves.
    ///
    /// A value a policy does not state is its default (a reserve of 0, priority 1). An account's reserve is compared
    /// as that account keeps it (its own, else the pool's), for the windows either policy gives it its own reserve
    /// in, so that a new per-account reserve reads from what the account kept before.
    /// - Parameter label: how to name an account (its label), by id.
    public static func changes(
        from old: RoutingPolicy, to new: RoutingPolicy, label: (AccountID) -> String
    ) -> [RoutingPolicyChange] {
        var changes: [RoutingPolicyChange] = []
        func compare(_ subject: String, _ before: String, _ after: String) {
            if before != after { changes.append(RoutingPolicyChange(subject: subject, old: before, new: after)) }
        }
        func compare(_ subject: String, _ before: Double, _ after: Double) {
            if before != after {
                changes.append(RoutingPolicyChange(
                    subject: subject, old: PercentText(before).description, new: PercentText(after).description))
            }
        }
        compare("strategy", old.strategy.name, new.strategy.name)
        for window in Set(old.reserves.keys).union(new.reserves.keys).sorted() {
            compare("reserve \(window)", old.reserves[window] ?? 0, new.reserves[window] ?? 0)
        }
        compare("when-all-reserved", old.whenAllReserved.name, new.whenAllReserved.name)
        let accounts = Set(old.priorities.keys).union(new.priorities.keys).union(old.accountReserves.keys)
            .union(new.accountReserves.keys)
            .map { (id: $0, label: label($0)) }
            .sorted { $0.label != $1.label ? $0.label < $1.label : $0.id.rawValue < $1.id.rawValue }
        for account in accounts {
            compare("\(account.label) priority", String(old.priority(of: account.id)),
                    String(new.priority(of: account.id)))
            let windows = Set((old.accountReserves[account.id] ?? [:]).keys)
                .union((new.accountReserves[account.id] ?? [:]).keys).sorted()
            for window in windows {
                compare("\(account.label) reserve \(window)", old.reserve(of: account.id, in: window),
                        new.reserve(of: account.id, in: window))
            }
        }
        return changes
    }
}
