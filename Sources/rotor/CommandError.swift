import RotorCore

/// A failure of a command itself (not of the store): a file to import, a missing confirmation.
struct CommandError: UserFacingError, Hashable {
    /// The kind of failure, without associated values.
    enum Code: String, Hashable {
        case fileNotFound = "file-not-found"
        case fileUnreadable = "file-unreadable"
        case filePermissionDenied = "file-permission-denied"
        case importRefused = "import-refused"
        case confirmationRequired = "confirmation-required"
        case notConfirmed = "not-confirmed"
        case needsLogin = "needs-login"
    }

    let code: Code
    let description: String

    var exitCode: Int32 {
        switch code {
        case .fileNotFound, .fileUnreadable: ExitStatusCode.noInput
        case .filePermissionDenied: ExitStatusCode.noPermission
        case .importRefused: ExitStatusCode.dataError
        case .confirmationRequired: ExitStatusCode.usage
        case .notConfirmed, .needsLogin: ExitStatusCode.failure
        }
    }

    static func fileNotFound(_ path: String) -> CommandError {
        CommandError(
            code: .fileNotFound,
            description: "\(path) does not exist; log in with `codex login` first, or pass the path of an auth.json"
        )
    }

    static func policyFileNotFound(_ path: String) -> CommandError {
        CommandError(
            code: .fileNotFound,
            description: "\(path) does not exist; pass the path of a policy file (TOML, as the config file)"
        )
    }

    static func fileUnreadable(_ path: String, reason: String) -> CommandError {
        CommandError(
            code: .fileUnreadable,
            description: "cannot read \(path) (\(reason)); pass the path of an auth.json file"
        )
    }

    static func filePermissionDenied(_ path: String) -> CommandError {
        CommandError(
            code: .filePermissionDenied,
            description: "cannot read \(path) (permission denied); run rotor as the user who owns it"
        )
    }

    static func importRefused(_ error: CodexAuthFileError, path: String) -> CommandError {
        CommandError(code: .importRefused, description: error.description(path: path))
    }

    static func confirmationRequired(_ account: Account) -> CommandError {
        CommandError(
            code: .confirmationRequired,
            description: "refusing to remove \(account.label) (\(account.id.shortID)) without confirmation: "
                + "stdin is not a terminal; pass --yes"
        )
    }

    /// `accounts enable` on an account whose login stopped working: only a new login fixes that.
    static func needsLogin(_ account: Account, reason: String) -> CommandError {
        CommandError(
            code: .needsLogin,
            description: "\(account.label) (\(account.id.shortID)) needs a new login (\(reason)), which enabling "
                + "does not fix; log it in again with `rotor accounts add` (see runbooks/account-needs-login.md)"
        )
    }

    static func notConfirmed(_ account: Account) -> CommandError {
        CommandError(code: .notConfirmed, description: "\(account.label) (\(account.id.shortID)) was not removed")
    }
}
