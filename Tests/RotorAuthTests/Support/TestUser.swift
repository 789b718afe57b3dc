import Foundation
import RotorAuth
import RotorTestSupport
import Synchronization

/// The person at the terminal, simulated: records what a login shows, publishes the authorize URL, and pastes
/// what `paste` makes of that URL (once each; later reads wait until the login stops reading).
final class TestUser: LoginConsole, LoginInput {
    private let shown = Mutex<[LoginMessage]>([])
    /// The first authorize URL shown, and whoever waits for it meanwhile.
    private let authorize = Mutex<(url: URL?, waiters: [AsyncStream<URL>.Continuation])>((nil, []))
    private let pastes: Mutex<[@Sendable (URL) -> String]>
    private let closesInput: Bool
    private let waitsForMore: AsyncStream<Void>
    private let waitsForMoreContinuation: AsyncStream<Void>.Continuation

    /// A user who pastes `paste(url)` for each closure in turn, then closes the input (`closesInput`) or pastes
    /// nothing more.
    init(pasting pastes: [@Sendable (URL) -> String] = [], thenClosesInput closesInput: Bool = false) {
        (waitsForMore, waitsForMoreContinuation) = AsyncStream.makeStream(of: Void.self)
        self.pastes = Mutex(pastes)
        self.closesInput = closesInput
    }

    func show(_ message: LoginMessage) {
        shown.withLock { $0.append(message) }
        guard case .authorizeURL(let url, _) = message else { return }
        let waiters = authorize.withLock { authorize in
            authorize.url = authorize.url ?? url
            defer { authorize.waiters = [] }
            return authorize.waiters
        }
        for waiter in waiters {
            waiter.yield(url)
            waiter.finish()
        }
    }

    /// Every message shown so far.
    var messages: [LoginMessage] { shown.withLock { $0 } }

    /// The first authorize URL the login shows (waiting at most 10 s); any number of tasks may wait for it.
    func authorizeURL() async throws -> URL {
        let (shownURLs, waiter) = AsyncStream.makeStream(of: URL.self)
        let shown = authorize.withLock { authorize in
            if authorize.url == nil { authorize.waiters.append(waiter) }
            return authorize.url
        }
        if let shown { return shown }
        return try await withTimeout(.seconds(10), waitingFor: "the authorize URL") {
            for await url in shownURLs { return url }
            throw CancellationError()
        }
    }

    /// How many of the pastes the login has not read.
    var unreadPastes: Int { pastes.withLock { $0.count } }

    /// Returns once the login, having read every paste, asks for another line (waiting at most 10 s). Call from one
    /// task at a time.
    func waitUntilPastesAreRead() async throws {
        let waits = self.waitsForMore
        try await withTimeout(.seconds(10), waitingFor: "the login to ask for more than the pastes") {
            for await _ in waits { return }
            throw CancellationError()
        }
    }

    func readLine() async throws -> String? {
        guard let paste = pastes.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) else {
            waitsForMoreContinuation.yield()
            if closesInput { return nil }
            // A suspension that only cancellation ends, not a timed wait: a day is longer than any test.
            try await Task.sleep(for: .seconds(86_400))
            return nil
        }
        return paste(try await authorizeURL())
    }
}
