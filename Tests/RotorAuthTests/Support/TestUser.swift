import Foundation
import RotorAuth
import Synchronization

/// The person at the terminal, simulated: records what a login shows, publishes the authorize URL, and pastes
/// what `paste` makes of that URL (once each; later reads wait until the login stops reading).
final class TestUser: LoginConsole, LoginInput {
    private let shown = Mutex<[LoginMessage]>([])
    private let urls: AsyncStream<URL>
    private let urlContinuation: AsyncStream<URL>.Continuation
    private let pastes: Mutex<[@Sendable (URL) -> String]>
    private let closesInput: Bool
    private let firstURL = Mutex<URL?>(nil)

    /// A user who pastes `paste(url)` for each closure in turn, then closes the input (`closesInput`) or pastes
    /// nothing more.
    init(pasting pastes: [@Sendable (URL) -> String] = [], thenClosesInput closesInput: Bool = false) {
        (urls, urlContinuation) = AsyncStream.makeStream(of: URL.self)
        self.pastes = Mutex(pastes)
        self.closesInput = closesInput
    }

    func show(_ message: LoginMessage) {
        shown.withLock { $0.append(message) }
        if case .authorizeURL(let url, _) = message { urlContinuation.yield(url) }
    }

    /// Every message shown so far.
    var messages: [LoginMessage] { shown.withLock { $0 } }

    /// The first authorize URL the login shows (waiting at most 10 s). Call from one task at a time.
    func authorizeURL() async throws -> URL {
        if let url = firstURL.withLock({ $0 }) { return url }
        let urls = self.urls
        let url = try await Bounded.wait("the authorize URL") {
            for await url in urls { return url }
            throw CancellationError()
        }
        firstURL.withLock { $0 = url }
        return url
    }

    func readLine() async throws -> String? {
        guard let paste = pastes.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) else {
            if closesInput { return nil }
            try await Bounded.suspendUntilCancelled()
            return nil
        }
        return paste(try await authorizeURL())
    }
}

/// Bounded waits for tests: every wait ends, with a failure naming what never happened.
enum Bounded {
    struct TimedOut: Error, CustomStringConvertible {
        var what: String
        var description: String { "timed out waiting for \(what)" }
    }

    static func wait<T: Sendable>(
        _ what: String,
        within limit: Duration = .seconds(10),
        _ operation: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                try await Task.sleep(for: limit)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else { throw TimedOut(what: what) }
            return value
        }
    }

    /// Returns (throwing `CancellationError`) only when the calling task is cancelled.
    static func suspendUntilCancelled() async throws {
        // A suspension that only cancellation ends, not a timed wait: a day is longer than any test.
        try await Task.sleep(for: .seconds(86_400))
    }
}
