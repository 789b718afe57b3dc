import Foundation
import RotorCore
import RotorStore
import Testing

/// Builds unsigned JWTs (header.payload.signature, base64url JSON) the way OpenAI's tokens are shaped.
enum TestJWT {
    static func make(_ claims: [String: Any]) -> String {
        let header = encode(["alg": "none", "typ": "JWT"])
        return "\(header).\(encode(claims)).signature"
    }

    static func encode(_ object: [String: Any]) -> String {
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

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

/// A fresh directory under the system temp directory, removed by `remove()`.
struct TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appending(path: "rotor-store-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    var stateDirectory: StateDirectory { StateDirectory(url: url.appending(path: "state")) }

    func remove() {
        try? FileManager.default.removeItem(at: url)
    }
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
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            return try body(AccountStore(directory: directory.stateDirectory, configuration: configuration))
        }
    }
}
