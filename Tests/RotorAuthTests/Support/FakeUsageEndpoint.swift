import Foundation
import HTTPTypes
import Hummingbird
import Logging
import RotorTestSupport
import Synchronization

@testable import RotorAuth

/// A fake ChatGPT backend on 127.0.0.1 with the two usage endpoints: each answers from a script per path (the last
/// answer repeats; an unscripted path answers 404), records every request's headers, and counts the requests in
/// flight. With `holdingRequests`, every request waits for ``gate`` before it is answered.
final class FakeUsageEndpoint: Sendable {
    /// One request as it arrived.
    struct SeenRequest: Sendable, Equatable {
        var path: String
        var authorization: String?
        var chatgptAccountID: String?
        var originator: String?
        var userAgent: String?
    }

    struct State {
        var script: [String: [FakeIssuer.Answer]] = [:]
        var requests: [SeenRequest] = []
        var inFlight = 0
        var mostInFlight = 0
    }

    let state = Mutex(State())
    /// Opened by the test to let held requests be answered; `nil` answers at once.
    let gate: Gate?
    /// Reports each request as it arrives.
    let arrivals: AsyncStream<Void>
    private let arrivalsContinuation: AsyncStream<Void>.Continuation

    init(holdingRequests: Bool = false) {
        gate = holdingRequests ? Gate() : nil
        (arrivals, arrivalsContinuation) = AsyncStream.makeStream(of: Void.self)
    }

    /// A usage body with the five-hour window `used` percent used and the weekly window 20 %.
    static func body(used: Double, plan: String = "pro") -> String {
        """
        {"plan_type":"\(plan)","rate_limit":{"allowed":true,"limit_reached":false,\
        "primary_window":{"used_percent":\(used),"limit_window_seconds":18000,"reset_after_seconds":3600},\
        "secondary_window":{"used_percent":20,"limit_window_seconds":604800,"reset_at":4000000000}},\
        "credits":{"has_credits":false,"unlimited":false,"balance":"0"}}
        """
    }

    /// Answers requests to `path` with `answers` in turn, the last one from then on.
    func script(_ path: String, _ answers: FakeIssuer.Answer...) {
        state.withLock { $0.script[path] = answers }
    }

    var requests: [SeenRequest] { state.withLock { $0.requests } }

    /// Runs `body` with an upstream URL (`http://127.0.0.1:<port>/backend-api/codex`) while the fake listens.
    @discardableResult
    func run<T>(_ body: (URL) async throws -> T) async throws -> T {
        let logger = Logger(label: "fake-usage") { _ in SwiftLogNoOpLogHandler() }
        return try await LoopbackServer.withServer(
            router().buildResponder(), host: "127.0.0.1", port: 0, logger: logger
        ) { port in
            // Held requests are let go when the test is done, before the server shuts down.
            defer { gate?.open() }
            return try await body(URL(string: "http://127.0.0.1:\(port)/backend-api/codex")!)
        }
    }

    private func router() -> Router<BasicRequestContext> {
        let router = Router()
        for path in [UsageRefresh.endpointPath, UsageRefresh.fallbackPath] {
            router.get(RouterPath(path)) { request, _ -> Response in
                await self.answer(request, path: path)
            }
        }
        return router
    }

    private func answer(_ request: Request, path: String) async -> Response {
        let headers = request.headers
        state.withLock { state in
            state.requests.append(SeenRequest(
                path: path, authorization: headers[.authorization],
                chatgptAccountID: headers[HTTPField.Name("chatgpt-account-id")!],
                originator: headers[HTTPField.Name("originator")!], userAgent: headers[.userAgent]))
            state.inFlight += 1
            state.mostInFlight = max(state.mostInFlight, state.inFlight)
        }
        arrivalsContinuation.yield()
        if let gate { await gate.wait() }
        let answer = state.withLock { state in
            state.inFlight -= 1
            guard var answers = state.script[path], let first = answers.first else {
                return FakeIssuer.Answer(status: 404, body: #"{"detail":"Not Found"}"#)
            }
            if answers.count > 1 {
                answers.removeFirst()
                state.script[path] = answers
            }
            return first
        }
        return FakeIssuer.response(answer)
    }
}
