/// How the user names an account on the command line: an exact label, an exact email, or a prefix of at least 4
/// characters of the account's id (the short id shown by `rotor accounts list` works).
///
/// Tried in that order: a label match wins, then email matches, then id-prefix matches. Several matches at one
/// level are an error listing them. Destructive commands use ``matchUnambiguously(in:)``, which also refuses a
/// selector that names different accounts at different levels.
public struct AccountSelector: Hashable, Sendable, CustomStringConvertible {
    /// The shortest id prefix accepted.
    public static let minimumIDPrefixLength = 4

    /// The text as typed.
    public var text: String

    /// Wraps what the user typed.
    public init(_ text: String) {
        self.text = text
    }

    public var description: String { text }

    /// The one account this selector names.
    /// - Throws: ``AccountSelectorError``: no match, or several.
    public func match(in accounts: [Account]) throws(AccountSelectorError) -> Account {
        let byLabel = accounts.filter { $0.label == text }
        let byEmail = accounts.filter { $0.email.lowercased() == text.lowercased() }
        let prefix = text.lowercased()
        let byID = prefix.count >= Self.minimumIDPrefixLength
            ? accounts.filter { $0.id.rawValue.hasPrefix(prefix) }
            : []
        for matches in [byLabel, byEmail, byID] where !matches.isEmpty {
            guard matches.count == 1 else { throw .ambiguous(selector: text, matches: matches) }
            return matches[0]
        }
        throw .noMatch(selector: text)
    }

    /// The one account this selector names at any level: a selector that is one account's label and another's
    /// email (or id prefix) is refused, listing both, so that `remove` and `disable` never act on the wrong one.
    /// - Throws: ``AccountSelectorError``: no match, or several accounts.
    public func matchUnambiguously(in accounts: [Account]) throws(AccountSelectorError) -> Account {
        let account = try match(in: accounts)
        let prefix = text.lowercased()
        let named = accounts.filter { candidate in
            candidate.label == text || candidate.email.lowercased() == prefix
                || (prefix.count >= Self.minimumIDPrefixLength && candidate.id.rawValue.hasPrefix(prefix))
        }
        guard named.count == 1 else { throw .ambiguous(selector: text, matches: named) }
        return account
    }
}

/// Why a selector names no single account (exit status 67).
public enum AccountSelectorError: Error, Hashable, Sendable, CustomStringConvertible {
    /// No account has this label, email or id prefix.
    case noMatch(selector: String)
    /// Several accounts match at the same level.
    case ambiguous(selector: String, matches: [Account])

    public var description: String {
        switch self {
        case .noMatch(let selector):
            var sentence = "no account matches \"\(selector)\""
            if selector.count < AccountSelector.minimumIDPrefixLength {
                sentence += " (id prefixes need at least \(AccountSelector.minimumIDPrefixLength) characters)"
            }
            return sentence + "; run `rotor accounts list` to see labels, emails and ids"
        case .ambiguous(let selector, let matches):
            let listed = matches.map { "\($0.id.shortID) (\($0.label))" }.joined(separator: ", ")
            return "\"\(selector)\" matches \(matches.count) accounts: \(listed); "
                + "use a label or a longer id prefix"
        }
    }
}

extension AccountSelectorError: UserFacingError {
    public var exitCode: Int32 { ExitStatusCode.noUser }
}
