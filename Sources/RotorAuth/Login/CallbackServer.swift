import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// The one-shot loopback server that receives the browser's redirect at the end of a login.
///
/// It listens on 127.0.0.1 and, where the machine has it, on [::1] (browsers may resolve `localhost` to either),
/// on the first free port of a list (Codex's 1455, then 1457); a port counts as busy when either address is taken.
enum CallbackServer {
    /// Runs `body` with the server listening on the first free port of `ports` (0 picks any free port), answering
    /// callbacks through `responder`; `nil` without running `body` when every port is busy.
    static func withFirstFreePort<Result>(
        _ ports: [Int],
        responder: CallbackResponder,
        _ body: (_ port: Int) async throws -> Result
    ) async throws -> Result? {
        for port in ports {
            do {
                return try await withServer(port: port, responder: responder, body)
            } catch let failure as LoopbackServer.StartFailure where failure.isAddressInUse {
                continue
            }
        }
        return nil
    }

    private static func withServer<Result>(
        port: Int,
        responder: CallbackResponder,
        _ body: (_ port: Int) async throws -> Result
    ) async throws -> Result {
        try await LoopbackServer.withServer(responder, host: "127.0.0.1", port: port, logger: quietLogger) { port in
            do {
                return try await LoopbackServer.withServer(responder, host: "::1", port: port, logger: quietLogger) {
                    try await body($0)
                }
            } catch let failure as LoopbackServer.StartFailure where !failure.isAddressInUse {
                // No IPv6 loopback on this machine: browsers then reach `localhost` over IPv4.
                return try await body(port)
            }
        }
    }

    /// The servers log nothing: a callback URL carries the authorization code.
    static let quietLogger = Logger(label: "rotor.login.callback") { _ in SwiftLogNoOpLogHandler() }
}

/// Answers callback requests with ``CallbackAnswer`` and reports each outcome to the waiting login.
struct CallbackResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    /// The `state` of the login in progress.
    var expectedState: String
    /// Where outcomes go; the login takes the first.
    var outcomes: AsyncStream<CallbackAnswer.Outcome>.Continuation

    func respond(to request: Request, context: Context) async throws -> Response {
        let answer = CallbackAnswer.answer(
            method: request.method.rawValue,
            path: request.uri.path,
            query: request.uri.query,
            expectedState: expectedState
        )
        if let outcome = answer.outcome { outcomes.yield(outcome) }
        var headers = HTTPFields()
        for header in CallbackAnswer.headers {
            if let name = HTTPField.Name(header.name) { headers.append(HTTPField(name: name, value: header.value)) }
        }
        return Response(
            status: HTTPResponse.Status(code: answer.status),
            headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(string: answer.html))
        )
    }
}
