#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// The Codex CLI's login file (`$CODEX_HOME/auth.json`, else `~/.codex/auth.json`), read for `rotor accounts import`.
///
/// Only `tokens.{id_token, access_token, refresh_token, account_id}` and `last_refresh` are read; the file itself is
/// never modified.
public enum CodexAuthFile {
    /// Parses the file's bytes into a login.
    /// - Throws: ``CodexAuthFileError``: invalid JSON, an API-key-only file, no tokens, a malformed token.
    public static func parse(_ bytes: Data) throws(CodexAuthFileError) -> AccountLogin {
        let file: Contents
        do {
            file = try JSONDecoder().decode(Contents.self, from: bytes)
        } catch {
            throw .invalidJSON
        }
        guard let tokens = file.tokens else {
            if let key = file.apiKey, !key.isEmpty { throw .apiKeyOnly }
            throw .noTokens(missing: "tokens")
        }
        let missing = [
            ("id_token", tokens.idToken), ("access_token", tokens.accessToken), ("refresh_token", tokens.refreshToken),
        ].filter { $0.1?.isEmpty ?? true }.map(\.0)
        guard missing.isEmpty, let idToken = tokens.idToken, let accessToken = tokens.accessToken,
            let refreshToken = tokens.refreshToken
        else {
            throw .noTokens(missing: missing.map { "tokens.\($0)" }.joined(separator: ", "))
        }
        let credentials = AccountCredentials(
            idToken: idToken,
            accessToken: accessToken,
            refreshToken: refreshToken,
            lastRefresh: file.lastRefresh.flatMap(ISO8601Timestamp.parse)
        )
        do {
            return try AccountLogin(credentials: credentials, chatgptAccountID: tokens.accountID)
        } catch {
            throw .unusableTokens(error)
        }
    }

    /// The JSON shape of auth.json; unknown members are ignored.
    private struct Contents: Decodable {
        var apiKey: String?
        var tokens: Tokens?
        var lastRefresh: String?

        enum CodingKeys: String, CodingKey {
            case apiKey = "OPENAI_API_KEY"
            case tokens
            case lastRefresh = "last_refresh"
        }
    }

    private struct Tokens: Decodable {
        var idToken: String?
        var accessToken: String?
        var refreshToken: String?
        var accountID: String?

        enum CodingKeys: String, CodingKey {
            case idToken = "id_token"
            case accessToken = "access_token"
            case refreshToken = "refresh_token"
            case accountID = "account_id"
        }
    }
}

/// Why an auth.json file cannot be imported. Each case is bad input data (exit status 65).
public enum CodexAuthFileError: Error, Hashable, Sendable {
    /// The file is not a JSON object of the expected shape.
    case invalidJSON
    /// The file holds only an API key, no ChatGPT login.
    case apiKeyOnly
    /// The file has no (or incomplete) ChatGPT tokens; `missing` names what is absent.
    case noTokens(missing: String)
    /// A token is not a readable JWT, or the tokens do not name an account.
    case unusableTokens(AccountLoginError)

    /// The sentence shown to the user, naming the file at `path`.
    public func description(path: String) -> String {
        switch self {
        case .invalidJSON:
            "\(path) is not valid JSON; pass the auth.json written by `codex login`"
        case .apiKeyOnly:
            "\(path) holds only an API key, and rotor rotates ChatGPT logins; run `codex login` with a ChatGPT "
                + "account and import again, or use `rotor accounts add`"
        case .noTokens(let missing):
            "\(path) has no ChatGPT login (missing \(missing)); run `codex login` and import again, "
                + "or use `rotor accounts add`"
        case .unusableTokens(let error):
            "\(path) cannot be imported: \(error); run `codex login` again and import the new file, "
                + "or use `rotor accounts add`"
        }
    }
}
