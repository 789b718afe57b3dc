#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// The stable identity of a stored account: a UUID that never changes, whatever else does.
///
/// Accounts are never referred to by position, so removing one never re-targets a pin or a log line.
public struct AccountID: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    /// The underlying UUID.
    public let uuid: UUID

    /// Wraps an existing UUID.
    public init(_ uuid: UUID) {
        self.uuid = uuid
    }

    /// Parses the canonical (hyphenated) UUID spelling; `nil` for anything else.
    public init?(_ string: String) {
        guard let uuid = UUID(uuidString: string) else { return nil }
        self.uuid = uuid
    }

    /// The full id as lower-case hyphenated text, the form stored and printed by `--json`.
    public var rawValue: String { uuid.uuidString.lowercased() }

    /// The first 8 hex digits of the UUID: the short id shown everywhere a person reads it.
    public var shortID: String { String(rawValue.prefix(8)) }

    public var description: String { rawValue }

    public static func < (lhs: AccountID, rhs: AccountID) -> Bool { lhs.rawValue < rhs.rawValue }
}
