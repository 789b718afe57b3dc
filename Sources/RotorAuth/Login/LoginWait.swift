/// Waits for the authorization code of a browser login: from the callback server, from a pasted redirect URL, or
/// until the timeout, whichever comes first.
enum LoginWait {
    private enum Event: Sendable {
        case callback(CallbackAnswer.Outcome?)
        case pasted(String?)
        case timedOut
    }

    /// The authorization code for the login whose state is `expectedState`.
    ///
    /// With `callbacks`, a pasted line is an alternative (for a browser on another machine) and the end of the
    /// input is ignored; without, pasting is the only way and the end of the input fails the login. Text that is not
    /// a redirect URL asks again; a wrong state fails the login.
    /// - Throws: ``LoginError``: `timedOut`, `inputEnded`, or the failure the callback or the pasted URL carries.
    static func code(
        callbacks: AsyncStream<CallbackAnswer.Outcome>?,
        input: some LoginInput,
        expectedState: String,
        timeout: Duration,
        console: some LoginConsole
    ) async throws -> String {
        try await withThrowingTaskGroup(of: Event.self) { group in
            defer { group.cancelAll() }
            if let callbacks {
                group.addTask {
                    var iterator = callbacks.makeAsyncIterator()
                    return .callback(await iterator.next())
                }
            }
            group.addTask { .pasted(try? await input.readLine()) }
            group.addTask {
                try await Task.sleep(for: timeout)
                return .timedOut
            }
            while let event = try await group.next() {
                switch event {
                case .callback(.authorized(let code)?):
                    return code
                case .callback(.failed(let error)?):
                    throw error
                case .callback(nil):
                    continue
                case .pasted(nil):
                    if callbacks == nil { throw LoginError.inputEnded }
                case .pasted(let line?):
                    switch PastedRedirect.code(from: line, expectedState: expectedState) {
                    case .success(let code)?:
                        return code
                    case .failure(let error)?:
                        throw error
                    case nil:
                        console.show(.pasteNotRecognized)
                        group.addTask { .pasted(try? await input.readLine()) }
                    }
                case .timedOut:
                    throw LoginError.timedOut(after: timeout)
                }
            }
            throw LoginError.timedOut(after: timeout)
        }
    }
}
