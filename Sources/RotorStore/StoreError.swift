public import Foundation
public import RotorCore

/// A failure of the state directory or the account store, phrased for the user: what is wrong and what to do.
public struct StoreError: UserFacingError, Hashable {
    /// The kind of failure, without associated values: for logs, metrics and callers that branch on it.
    public enum Code: String, Hashable, Sendable {
        case stateDirectoryNotWritable = "state-directory-not-writable"
        case cannotCreateFile = "cannot-create-file"
        case databaseLocked = "database-locked"
        case databaseFromNewerRotor = "database-from-newer-rotor"
        case databaseUnusable = "database-unusable"
        case accountNotFound = "account-not-found"
        case labelInUse = "label-in-use"
        case invalidLabel = "invalid-label"
    }

    /// The kind of failure.
    public let code: Code
    /// One sentence: what is wrong and what to do.
    public let description: String

    /// The process exit status (see `docs/exit-codes.md`).
    public var exitCode: Int32 {
        switch code {
        case .stateDirectoryNotWritable, .cannotCreateFile: ExitStatusCode.cannotCreate
        case .databaseLocked, .databaseUnusable: ExitStatusCode.ioError
        case .databaseFromNewerRotor: ExitStatusCode.configuration
        case .accountNotFound: ExitStatusCode.noUser
        case .labelInUse, .invalidLabel: ExitStatusCode.dataError
        }
    }

    /// The state directory (or one of its subdirectories) cannot be created or written.
    public static func stateDirectoryNotWritable(_ directory: URL, reason: String) -> StoreError {
        var path = directory.path(percentEncoded: false)
        // A directory URL's path ends in "/"; show the path as the user wrote it in ROTOR_HOME.
        while path.count > 1, path.hasSuffix("/") { path.removeLast() }
        return StoreError(
            code: .stateDirectoryNotWritable,
            description: "cannot use the state directory \(path) (\(reason)); "
                + "make it writable or point ROTOR_HOME at a directory you own"
        )
    }

    /// A private file in the state directory cannot be created or opened.
    public static func cannotCreateFile(_ file: URL, reason: String) -> StoreError {
        StoreError(
            code: .cannotCreateFile,
            description: "cannot create \(file.path(percentEncoded: false)) (\(reason)); "
                + "check that the state directory is writable and the disk is not full"
        )
    }

    /// Another process held the database's write lock for longer than the busy timeout.
    public static func databaseLocked(_ database: URL, timeout: Duration) -> StoreError {
        StoreError(
            code: .databaseLocked,
            description: "the database \(database.path(percentEncoded: false)) stayed locked by another process "
                + "for more than \(timeout.formattedSeconds); retry, and if it persists stop the process holding it "
                + "(`fuser \(database.path(percentEncoded: false))`; see runbooks/database-locked-or-newer.md)"
        )
    }

    /// The database was written by a newer rotor whose schema this one does not know.
    public static func databaseFromNewerRotor(_ database: URL) -> StoreError {
        StoreError(
            code: .databaseFromNewerRotor,
            description: "the database \(database.path(percentEncoded: false)) was written by a newer rotor; "
                + "upgrade rotor (see runbooks/database-locked-or-newer.md)"
        )
    }

    /// The database file cannot be read or written as a rotor database.
    public static func databaseUnusable(_ database: URL, reason: String) -> StoreError {
        StoreError(
            code: .databaseUnusable,
            description: "cannot use the database \(database.path(percentEncoded: false)) (\(reason)); "
                + "check its permissions and free disk space (see runbooks/database-locked-or-newer.md)"
        )
    }

    /// No stored account has this id (it may have been removed by another process).
    public static func accountNotFound(_ id: AccountID) -> StoreError {
        StoreError(
            code: .accountNotFound,
            description: "no account with id \(id.rawValue) (it may have just been removed); "
                + "run `rotor accounts list` to see the accounts"
        )
    }

    /// Another account already holds the label.
    public static func labelInUse(_ label: String, holder: Account) -> StoreError {
        StoreError(
            code: .labelInUse,
            description: "the label \"\(label)\" is already used by account \(holder.id.shortID) (\(holder.email)); "
                + "choose another label or rename that account first"
        )
    }

    /// The label is empty or spans several lines.
    public static func invalidLabel(_ label: String) -> StoreError {
        StoreError(
            code: .invalidLabel,
            description: "the label \"\(label)\" is empty or spans several lines; choose a one-line label"
        )
    }
}

extension Duration {
    /// `5 s`, `0.25 s`: a timeout as a person reads it.
    var formattedSeconds: String {
        let milliseconds = components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
        if milliseconds % 1000 == 0 { return "\(milliseconds / 1000) s" }
        return "\(Double(milliseconds) / 1000) s"
    }
}
