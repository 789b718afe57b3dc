import Foundation

/// Reads what the user pasted at the end of a browser login into the authorization server's answer.
///
/// Accepted forms: the full redirect URL (`http://localhost:1455/auth/callback?code=…&state=…`), its query string
/// (with or without the leading `?`), or `code#state`.
public enum PastedRedirect {
    /// The answer's parameters, or `nil` when the text is none of the accepted forms.
    public static func parameters(from pasted: String) -> [(String, String)]? {
        let text = pasted.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, !text.contains(" ") else { return nil }
        if text.contains("://") {
            guard let queryStart = text.firstIndex(of: "?") else { return nil }
            let afterQuery = text[text.index(after: queryStart)...]
            return FormURLEncoding.decode(afterQuery.prefix { $0 != "#" })
        }
        if text.contains("=") {
            return FormURLEncoding.decode(text.hasPrefix("?") ? text.dropFirst() : text[...])
        }
        let parts = text.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        return [("code", String(parts[0])), ("state", String(parts[1]))]
    }

    /// The authorization code in `pasted`, why the login failed, or `nil` when the text is not an answer at all.
    public static func code(from pasted: String, expectedState: String) -> Result<String, LoginError>? {
        parameters(from: pasted).map { AuthorizationResponse.code(from: $0, expectedState: expectedState) }
    }
}
