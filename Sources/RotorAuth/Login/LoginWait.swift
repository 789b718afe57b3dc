/// Waits for the authorization code of a browser login: from the callback server, from a pasted redirect URL, or
/// until the timeout, whichever comes first.
enum LoginWait {
    /// How many wrong pastes are answered by asking again; the next one ends the login.
    static let pasteRetries = 3

    private enum Event: Sendable {
        case callback(CallbackAnswer.Outcome?)
        case pasted(String?)
        case timedOut
    }

    /// The authorization code for the login whose state is `expectedState`.
    ///
    /// With `callbacks`, a pasted line is an alternative (for a browser on another machine) and the end of the
    /// input is ignored; without, pasting is the only way and the end of the input fails the login. A paste this login
    /// cannot use (text that is no redirect URL, or the answer of another login attempt) asks again, at most
    /// ``pasteRetries`` times; blank lines do not count. Only an answer with this login's `state` ends the wait.
    /// - Throws: ``LoginError``: `timedOut`, `inputEnded`, the failure this login's answer carries, or, after too many
    ///   wrong pastes, why the last one was wrong (`pasteNotRecognized`, `stateMismatch`).
    static func code(
        callbacks: AsyncStream<CallbackAnswer.Outcome>?,
        input: some LoginInput,
        expectedState: String,
        timeout: Duration,
        console: some LoginConsole
    ) async throws -> String {
        try await withThrowingTaskGroup(of: Event.self) { group in
            defer { group.cancelAll() }
            var wrongPastes = 0
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
                    case .failure(.stateMismatch)?:
                        wrongPastes += 1
                        guard wrongPastes <= pasteRetries else { throw LoginError.stateMismatch }
                        console.show(.pasteFromAnotherAttempt)
                        group.addTask { .pasted(try? await input.readLine()) }
                    case .failure(let error)?:
                        throw error
                    case nil:
                        if !line.allSatisfy(\.isWhitespace) { wrongPastes += 1 }
                        guard wrongPastes <= pasteRetries else { throw LoginError.pasteNotRecognized }
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
