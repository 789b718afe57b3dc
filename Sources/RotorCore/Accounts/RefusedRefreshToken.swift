/// The refresh token of a login found dead — refused by the issuer, or the login of an access token the upstream
/// called invalidated — kept only to compare with the stored one: marking the account `needs-login` happens only
/// while the store still holds this token, so a login stored since then wins.
///
/// It never prints its value: descriptions, debug descriptions and reflection show a placeholder.
public struct RefusedRefreshToken: Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The token itself, for the store's comparison only.
    public let value: String

    /// Wraps a refused refresh token.
    public init(_ value: String) {
        self.value = value
    }

    public var description: String { "<refused refresh token>" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: []) }
}
