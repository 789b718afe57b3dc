import ArgumentParser
import Foundation
import RotorCore
import RotorStore

extension Rotor {
    /// `rotor log [--json] [--limit N] [--request ID] [--account SELECTOR] [--follow]`: the decision log.
    struct Log: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show which account served each request, and why.",
            discussion: """
                One block per request, newest first: its time, id and hashed conversation, every attempt (account, \
                upstream status, classification, cooldown set and why), then the account that served it with time \
                to first byte, bytes, tokens and model. Times are local. Every rotor process on this machine writes \
                the same log (the newest 20,000 attempts of the last 14 days).

                Examples:
                  rotor log                           The 20 newest requests.
                  rotor log --request 4f0c9a1e5b27d803      One request (the id is the x-rotor-request-id header).
                  rotor log --account work --limit 5  The 5 newest requests that tried the account "work".
                  rotor log --follow                  Print requests as they are recorded, until Ctrl-C.
                  rotor log --json                    As JSON (docs/log-json.md).
                """
        )

        @Flag(help: "Print JSON (docs/log-json.md); with --follow, one request per line (JSON Lines).")
        var json = false

        @Option(help: "How many requests to show (newest first).")
        var limit = 20

        @Option(name: .customLong("request"), help: "Only this request id.")
        var requestID: String?

        @Option(help: "Only requests that tried this account: its exact label, its exact email, or at least 4 characters of its id.")
        var account: String?

        @Flag(help: "Print the newest requests oldest first, then each new one as any rotor process records it, until Ctrl-C.")
        var follow = false

        func validate() throws {
            guard limit > 0 else { throw ValidationError("--limit must be at least 1.") }
        }

        func run() async throws {
            let store = try AccountStore(directory: .resolve(environment: ProcessInfo.processInfo.environment))
            let accounts = try store.accounts()
            let selected = try account.map { try AccountSelector($0).match(in: accounts).id }
            let start = try store.newestDecisionRowID()
            let newest = try store.loggedRequests(limit: limit, requestID: requestID, account: selected)
            // Following prints the newest requests that have ended, oldest first, as the new ones will follow them
            // (one still in progress is printed when it ends); JSON as lines.
            let shown = follow
                ? newest.reversed().filter { $0.records.last.map { DecisionLogFollower.ends($0.outcome) } ?? false }
                : newest
            if json, follow {
                for request in shown {
                    try CommandOutput.writeNow(try DecisionLogJSON.line(request, accounts: accounts) + "\n")
                }
            } else if json {
                try CommandOutput.writeNow(try DecisionLogJSON.render(shown, accounts: accounts))
            } else {
                try CommandOutput.writeNow(
                    DecisionLogText.render(shown, accounts: accounts, now: Date(), timeZone: .current))
            }
            guard follow else { return }
            // After every row listed, so that a request that ended while it was listed is not printed twice.
            let listed = max(start, newest.map(\.lastRowID).max() ?? start)
            var following = DecisionLogFollower(after: listed, requestID: requestID, account: selected)
            while true {
                try await Task.sleep(for: DecisionLogFollower.pollInterval)
                let ended = try following.poll(store)
                guard !ended.isEmpty else { continue }
                let names = try store.accounts()
                if json {
                    for request in ended {
                        try CommandOutput.writeNow(try DecisionLogJSON.line(request, accounts: names) + "\n")
                    }
                } else {
                    try CommandOutput.writeNow(
                        "\n" + DecisionLogText.render(ended, accounts: names, now: Date(), timeZone: .current))
                }
            }
        }
    }
}
