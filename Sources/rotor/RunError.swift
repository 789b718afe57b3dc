import RotorCore

/// Why `rotor run` refuses to start the command (it never runs then).
struct RunError: UserFacingError, Hashable {
    /// The kind of refusal, without associated values.
    enum Code: String, Hashable {
        case noAccounts = "no-accounts"
    }

    let code: Code
    let description: String

    var exitCode: Int32 {
        switch code {
        case .noAccounts: ExitStatusCode.noUser
        }
    }

    /// The store holds no account: rotor never runs a tool without rotation.
    static let noAccounts = RunError(
        code: .noAccounts,
        description: "no accounts yet; add one with `rotor accounts import` (your Codex login) or `rotor accounts add`"
    )
}
