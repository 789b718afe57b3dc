#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The state of one replay: each account's windows, its last use, and the running figures.
struct Replay {
    private struct WindowState {
        var name: UsageWindowName
        var used: Double
        var recordedResets: [Date]
        var nextRecorded: Int
        var nextReset: Date
        var cost: Double
        var length: TimeInterval { TimeInterval(name.minutes) * 60 }

        init(_ window: PolicySimulation.Window, start: Date) {
            name = window.name
            used = window.usedPercent
            let resets = PolicySimulation.Window.distinct(window.resets)
            recordedResets = resets.filter { $0 > start }
            cost = window.costPerRequest
            nextRecorded = 0
            nextReset = start
            scheduleReset(after: Self.lastGridReset(from: resets.last { $0 <= start }, length: length, notAfter: start))
        }

        /// The last reset at or before `start` of the grid `anchor` + k · `length` (`start` itself without an
        /// anchor): a window that last reset before the start keeps its rhythm.
        private static func lastGridReset(from anchor: Date?, length: TimeInterval, notAfter start: Date) -> Date {
            guard let anchor else { return start }
            let step = max(60, length)
            let periods = (start.timeIntervalSince(anchor) / step).rounded(.down)
            return anchor.addingTimeInterval(periods * step)
        }

        /// Starts the window over at ``nextReset`` and schedules the reset after it.
        mutating func reset() {
            used = 0
            scheduleReset(after: nextReset)
        }

        /// Schedules the reset after `current`: the earlier of the next recorded reset after it (one less than
        /// ``UsageWindow/sameResetTolerance`` after it is `current` itself) and `current` plus one window length, as
        /// a window never runs longer than its length.
        private mutating func scheduleReset(after current: Date) {
            while nextRecorded < recordedResets.count,
                  recordedResets[nextRecorded].timeIntervalSince(current) < UsageWindow.sameResetTolerance
            {
                nextRecorded += 1
            }
            let byLength = current.addingTimeInterval(max(60, length))
            nextReset = nextRecorded < recordedResets.count ? min(recordedResets[nextRecorded], byLength) : byLength
        }
    }

    private var pool: [PolicySimulation.SimulatedAccount]
    private var windows: [[WindowState]]
    private var lastUsedAt: [Date?]
    private var outcomes: [PolicySimulation.Outcome.AccountOutcome]
    private let selection: AccountSelection
    private let start: Date
    private var served = 0
    private var dry = 0
    private var switches = 0
    private var lastServer: Int?
    private var dryDuration: TimeInterval = 0
    private var drySince: Date?
    private var servedBeforeFirstDry: Int?
    private var firstDryRequestAt: Date?

    init(simulation: PolicySimulation, policy: RoutingPolicy) {
        pool = simulation.accounts
        start = simulation.start
        windows = simulation.accounts.map { account in
            account.windows.prefix(2).map { WindowState($0, start: simulation.start) }
        }
        lastUsedAt = Array(repeating: nil, count: simulation.accounts.count)
        outcomes = simulation.accounts.map {
            .init(id: $0.id, label: $0.label, requests: 0, firstExhaustedAt: nil, unusedAtResets: [:])
        }
        selection = AccountSelection(strategy: .pool, policy: policy)
        noteDryness(at: simulation.start)
    }

    /// Applies, in time order, every reset up to `instant`: each one's unused quota is counted, and a dry pool
    /// that a reset lets serve again stops counting as dry there.
    mutating func advance(to instant: Date) {
        while let (account, window) = earliestReset(notAfter: instant) {
            let at = windows[account][window].nextReset
            outcomes[account].unusedAtResets[windows[account][window].name, default: 0]
                += max(0, 100 - windows[account][window].used)
            windows[account][window].reset()
            noteDryness(at: at)
        }
    }

    /// Gives the request at `instant` to the account the policy chooses, or counts it as dry.
    mutating func serve(at instant: Date) {
        guard let choice = selection.choose(from: accounts(at: instant), now: instant),
              let index = pool.firstIndex(where: { $0.id == choice.account })
        else {
            dry += 1
            if servedBeforeFirstDry == nil {
                servedBeforeFirstDry = served
                firstDryRequestAt = instant
            }
            return
        }
        served += 1
        outcomes[index].requests += 1
        if let lastServer, lastServer != index { switches += 1 }
        lastServer = index
        lastUsedAt[index] = instant
        for window in windows[index].indices {
            windows[index][window].used = min(100, windows[index][window].used + windows[index][window].cost)
            if windows[index][window].used >= 100, outcomes[index].firstExhaustedAt == nil {
                outcomes[index].firstExhaustedAt = instant
            }
        }
        noteDryness(at: instant)
    }

    /// The figures at `end`.
    func outcome(end: Date) -> PolicySimulation.Outcome {
        var dryDuration = dryDuration
        if let drySince { dryDuration += max(0, end.timeIntervalSince(drySince)) }
        return PolicySimulation.Outcome(
            accounts: outcomes, served: served, dry: dry, switches: switches, dryDuration: dryDuration,
            servedBeforeFirstDry: servedBeforeFirstDry ?? served, firstDryRequestAt: firstDryRequestAt)
    }

    /// The pool as ``AccountSelection`` reads it at `instant`: every account ready, its windows as simulated.
    private func accounts(at instant: Date) -> [Account] {
        pool.indices.map { index in
            let states = windows[index].map {
                UsageWindow(usedPercent: $0.used, windowMinutes: $0.name.minutes, resetsAt: $0.nextReset)
            }
            let usage = states.isEmpty
                ? nil
                : UsageSnapshot(primary: states.first, secondary: states.count > 1 ? states[1] : nil, observedAt: instant)
            return Account(
                id: pool[index].id, label: pool[index].label, email: pool[index].label, chatgptAccountID: "",
                plan: pool[index].plan, lastUsedAt: lastUsedAt[index], usage: usage, createdAt: start)
        }
    }

    /// Starts or ends a dry spell at `instant`: dry while the policy would choose no account.
    private mutating func noteDryness(at instant: Date) {
        let isDry = selection.choose(from: accounts(at: instant), now: instant) == nil
        switch (isDry, drySince) {
        case (true, nil):
            drySince = instant
        case (false, let since?):
            dryDuration += instant.timeIntervalSince(since)
            drySince = nil
        default:
            break
        }
    }

    /// The account and window of the earliest reset at or before `instant` (the first account, then the shorter
    /// window, on a tie).
    private func earliestReset(notAfter instant: Date) -> (Int, Int)? {
        var earliest: (account: Int, window: Int, at: Date)?
        for account in windows.indices {
            for window in windows[account].indices {
                let at = windows[account][window].nextReset
                guard at <= instant else { continue }
                if earliest.map({ at < $0.at }) ?? true { earliest = (account, window, at) }
            }
        }
        return earliest.map { ($0.account, $0.window) }
    }
}
