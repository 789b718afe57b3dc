import Foundation
import RotorCore
import RotorStore
import RotorTestSupport
import Testing

/// Logins for tests: distinct identities with recognisable tokens.
enum TestLogin {
    static func make(
        email: String,
        chatgptAccountID: String = "acct-0001",
        plan: String? = "plus",
        refreshToken: String = "rt-1",
        label: String? = nil
    ) -> AccountLogin {
        AccountLogin(
            email: email,
            chatgptAccountID: chatgptAccountID,
            plan: plan,
            credentials: AccountCredentials(
                idToken: "id-\(email)", accessToken: "at-\(email)", refreshToken: refreshToken
            ),
            accessTokenExpiresAt: Date(timeIntervalSince1970: 2_000_000_000),
            label: label
        )
    }
}

extension TemporaryDirectory {
    /// The state directory `state` inside this directory (not created yet).
    var stateDirectory: StateDirectory { StateDirectory(url: appending("state")) }
}

/// The two kinds of store every store test runs against.
enum StoreKind: String, CaseIterable, CustomTestStringConvertible {
    case inMemory
    case file

    var testDescription: String { rawValue }

    /// Runs `body` with a fresh store of this kind.
    func withStore<T>(
        configuration: AccountStore.Configuration = .default,
        _ body: (AccountStore) throws -> T
    ) throws -> T {
        switch self {
        case .inMemory:
            return try body(AccountStore.inMemory(configuration: configuration))
        case .file:
            let directory = try TemporaryDirectory(prefix: "rotor-store-tests")
            defer { directory.remove() }
            return try body(AccountStore(directory: directory.stateDirectory, configuration: configuration))
        }
    }
}
