import ArgumentParser
import Foundation
import RotorProxy
import RotorStore

extension Rotor {
    /// `rotor status [--json] [--watch]`: the pool at a glance.
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

                Examples:
                  rotor status                  The pool and each account.
                  rotor status --watch          Redraw every 2 seconds until Ctrl-C.
                  rotor status --json           As JSON (docs/status-json.md).
                """
        )

        @Flag(help: "Print JSON (docs/status-json.md); with --watch, one document per line (JSON Lines).")
        var json = false

        @Flag(help: """
            Print the status again every 2 seconds until Ctrl-C: redrawn in place on a terminal, one after the other \
            otherwise.
            """)
        var watch = false

        func run() async throws {
            let environment = ProcessInfo.processInfo.environment
            let store = try AccountStore(directory: .resolve(environment: environment))
            let traits = TerminalTraits.standardOutput(environment: environment)
            guard watch else {
                let report = try StatusReport.read(from: store, now: Date(), timeZone: .current)
                try CommandOutput.writeNow(json ? try report.json() : report.text(style: traits.style))
                return
            }
            let json = json
            let render: @Sendable () throws -> String = {
                let report = try StatusReport.read(from: store, now: Date(), timeZone: .current)
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
                try await group.next()
                group.cancelAll()
            }
        }
    }
}
