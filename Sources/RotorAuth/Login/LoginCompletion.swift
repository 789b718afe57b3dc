import Foundation
import RotorCore
import RotorStore

/// Turns the tokens of a finished login into a stored account.
public enum LoginCompletion {
    /// Reads the account's identity from the tokens' claims and stores it (adding it, or updating the account with
    /// the same ChatGPT account id and email).
    /// - Throws: ``LoginError`` (`missingIdentity`) when the tokens name no account; the store's errors otherwise.
    public static func save(
        _ tokens: LoginTokens,
        label: String?,
        in store: AccountStore,
        now: Date
    ) throws -> SaveLoginOutcome {
        let login: AccountLogin
        do {
            login = try AccountLogin(credentials: tokens.credentials(now: now), label: label)
        } catch {
            throw LoginError.missingIdentity(error.description)
        }
        return try store.saveLogin(login)
    }
}
