import Foundation
import RotorCore
import RotorStore

/// Turns the tokens of a finished login into a stored account.
public enum LoginCompletion {
    /// Reads the account's identity from the tokens' claims and stores it (adding it, or replacing the tokens of the
    /// account with the same ChatGPT account id and email: a fresh login is always the newest), under the account's
    /// lock; `notice` gives what to say when that waits for a refresh in flight.
    /// - Throws: ``LoginError`` (`missingIdentity`) when the tokens name no account; the store's errors otherwise.
    public static func save(
        _ tokens: LoginTokens,
        label: String?,
        in store: AccountStore,
        now: Date,
        notice: (_ email: String) -> AccountLock.SlowWaitNotice? = { _ in nil }
    ) throws -> SaveLoginOutcome {
        let login: AccountLogin
        do {
            login = try AccountLogin(credentials: tokens.credentials(now: now), label: label)
        } catch {
            throw LoginError.missingIdentity(error.description)
        }
        return try store.saveLogin(login, replacing: .always, notice: notice(login.email))
    }
}
