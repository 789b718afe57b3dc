import Hummingbird

/// Whether the ports the browser login comes back to are free, for `rotor doctor`.
public enum CallbackPorts {
    /// The ports of `ports` that another program holds on 127.0.0.1 (each is bound and released at once).
    public static func busy(_ ports: [Int] = LoginSettings.defaultCallbackPorts) async -> [Int] {
        var busy: [Int] = []
        for port in ports {
            do {
                try await LoopbackServer.withServer(Refusing(), host: "127.0.0.1", port: port, logger: CallbackServer.quietLogger) { _ in }
            } catch let failure as LoopbackServer.StartFailure where failure.isAddressInUse {
                busy.append(port)
            } catch {
                continue
            }
        }
        return busy
    }

    /// Answers nothing: the server only proves the port can be bound.
    private struct Refusing: HTTPResponder {
        func respond(to request: Request, context: BasicRequestContext) async throws -> Response {
            Response(status: .notFound)
        }
    }
}
