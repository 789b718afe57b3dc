import ArgumentParser
import Foundation
import Logging
import RotorAuth
import RotorCore
import RotorProxy
import RotorStore
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

extension Rotor {
    /// `rotor status [--json] [--watch] [--refresh]`: the pool at a glance.
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show how many accounts can serve, and each account's state, usage windows and use today.",
            discussion: """
                The first line sums up the pool: accounts ready now, the next cooldown end, and what the ready \
                accounts have left of their weekly windows, in percent of one account. Then one block per account: \
                its state, each usage window (named by its length) with the percentage used and its reset, how old \
                those numbers are, when it was last used, and its requests and tokens today. Times and "today" are \
                local. Colour and bars only on a terminal (not with NO_COLOR); plain text otherwise, with the same \
                words and percentages.

                --watch redraws in place on a terminal; through a pipe each report follows the last after a blank \
                line; with --json each is one line (JSON Lines). Ctrl-C ends it with exit status 0.

                --refresh first asks the backend for each account's current usage, as Codex's /status does, without \
                spending a model request (at most 4 accounts at a time, 10 seconds each; accounts that need a login \
                are skipped); with --watch it asks again every minute. An account whose usage cannot be had shows \
                its last known numbers and why.

                Examples:
                  rotor status                  The pool and each account.
                  rotor status --watch          Redraw every 2 seconds until Ctrl-C.
                  rotor status --json           As JSON (docs/status-json.md).
                  rotor status --refresh        Ask the backend for current usage first.
                """
        )

        @Flag(help: "Print JSON (docs/status-json.md); with --watch, one document per line (JSON Lines).")
        var json = false

        @Flag(help: """
            Print the status again every 2 seconds until Ctrl-C: redrawn in place on a terminal, one after the other \
            otherwise.
            """)
        var watch = false

        @Flag(help: "First ask the backend for each account's current usage; with --watch, again every minute.")
        var refresh = false

        /// How often `--watch --refresh` asks the usage endpoint again (Codex's own interval).
        static let refreshInterval = Duration.seconds(60)

        func run() async throws {
            let environment = ProcessInfo.processInfo.environment
            let directory = StateDirectory.resolve(environment: environment)
            let store = try AccountStore(directory: directory)
            guard refresh else {
                return try await show(store: store, environment: environment, failures: RefreshFailures(), every: nil)
            }
            let configuration = try ProxyConfiguration.fromEnvironment(environment, secret: .generate())
            try await withUsageRefresh(
                configuration, store: store, directory: directory, logger: Logger(label: "rotor.status")
            ) { usage in
                let failures = RefreshFailures()
                try await failures.refresh(with: usage, store: store, announce: isatty(STDERR_FILENO) == 1)
                guard watch else {
                    return try await show(store: store, environment: environment, failures: failures, every: nil)
                }
                try await show(store: store, environment: environment, failures: failures) {
                    try await ContinuousClock().sleep(for: Self.refreshInterval)
                    try await failures.refresh(with: usage, store: store, announce: false)
                }
            }
        }

        /// Prints the report once, or with `--watch` until Ctrl-C while `background` (the periodic usage refresh)
        /// runs over and over beside the frames.
        private func show(
            store: AccountStore, environment: [String: String], failures: RefreshFailures,
            every background: (@Sendable () async throws -> Void)?
        ) async throws {
            let traits = TerminalTraits.standardOutput(environment: environment)
            guard watch else {
                let report = try StatusReport.read(
                    from: store, refreshFailures: failures.current, environment: environment, now: Date(),
                    timeZone: .current)
                try CommandOutput.writeNow(json ? try report.json() : report.text(style: traits.style))
                return
            }
            let json = json
            let render: @Sendable () throws -> String = {
                let report = try StatusReport.read(
                    from: store, refreshFailures: failures.current, environment: environment, now: Date(),
                    timeZone: .current)
                return json ? try report.jsonLine() : report.text(style: traits.style)
            }
            let framing: StatusWatch.Framing =
                json ? .jsonLines : traits.redrawsInPlace ? .redraw : .append
            let watching = StatusWatch(framing: framing, interval: StatusWatch.defaultInterval,
                                       clock: ContinuousClock())
            // Trapped before the first frame: Ctrl-C ends the watch (exit 0, cursor shown again), never the process.
            let signals = await TerminationSignals.trap()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await signals.wait() }
                group.addTask { try await watching.run(frame: render, write: CommandOutput.writeNow) }
                if let background {
                    group.addTask { while true { try await background() } }
                }
                try await group.next()
                group.cancelAll()
            }
        }
    }
}

/// The accounts whose last usage refresh failed, with why: written by the refresh, read by every frame.
final class RefreshFailures: Sendable {
    private let failures = Mutex<[AccountID: String]>([:])

    /// The latest refresh's failures.
    var current: [AccountID: String] { failures.withLock { $0 } }

    /// Asks `usage` for every account that does not need a login and keeps the failures; with `announce`, says on
    /// stderr what it is waiting for (up to 10 seconds).
    func refresh(with usage: UsageRefresh, store: AccountStore, announce: Bool) async throws {
        let accounts = try store.accounts().filter {
            if case .needsLogin = $0.status { return false }
            return true
        }
        if announce, !accounts.isEmpty {
            let count = accounts.count == 1 ? "1 account" : "\(accounts.count) accounts"
            CommandOutput.printNotice("Asking the backend for the current usage of \(count)…")
        }
        let results = await usage.refresh(accounts)
        let failed = results.compactMapValues { result -> String? in
            if case .failed(let reason) = result { return reason }
            return nil
        }
        failures.withLock { $0 = failed }
    }
}
