import Foundation
import RotorCore
import RotorStore
import RotorTestSupport
import Testing

/// A throw-away user environment: a temp HOME with a CODEX_HOME, a ROTOR_HOME that does not exist yet and a
/// ROTOR_CONFIG in the temp HOME (so a developer's own config never changes a result).
struct RotorHome {
    private let temporary: TemporaryDirectory

    init() throws {
        temporary = try TemporaryDirectory(prefix: "rotor-cli-tests")
        try FileManager.default.createDirectory(at: codexHome, withIntermediateDirectories: true)
    }

    /// The HOME of the environment.
    var root: URL { temporary.url }

    var rotorHome: URL { root.appending(path: "rotor-state") }
    var codexHome: URL { root.appending(path: "codex") }
    var databaseURL: URL { rotorHome.appending(path: "rotor.sqlite") }
    /// The config file rotor reads (ROTOR_CONFIG); it does not exist until ``writeConfig(_:)``.
    var configURL: URL { root.appending(path: "config.toml") }

    /// The environment rotor runs with: nothing from the developer's own environment leaks in.
    var environment: [String: String] {
        [
            "PATH": "/usr/bin:/bin",
            "HOME": root.path,
            "ROTOR_HOME": rotorHome.path,
            "CODEX_HOME": codexHome.path,
            "ROTOR_CONFIG": configURL.path,
            "TZ": "UTC",
        ]
    }

    /// Writes an auth.json (in CODEX_HOME when `name` is nil) and returns its path.
    @discardableResult
    func writeAuthFile(_ contents: String, name: String? = nil) throws -> String {
        let url = name.map { root.appending(path: $0) } ?? codexHome.appending(path: "auth.json")
        try Data(contents.utf8).write(to: url)
        return url.path
    }

    /// Writes the config file rotor reads (ROTOR_CONFIG).
    func writeConfig(_ text: String) throws {
        try Data(text.utf8).write(to: configURL)
    }

    /// Runs `rotor arguments…` in this environment.
    func rotor(
        _ arguments: String...,
        input: String? = nil,
        shellPrefix: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> RotorExecutable.Result {
        try RotorExecutable.run(
            arguments, environment: environment, input: input, shellPrefix: shellPrefix, sourceLocation: sourceLocation)
    }

    func remove() {
        temporary.remove()
    }
}

extension RotorHome {
    /// A home whose store holds `me@x.io` and `work` (`w@corp.io`), both on `plus` and logged in until an hour after
    /// `now`; returns the home, its store and the two account ids in that order.
    static func withTwoAccounts(now: Date) throws -> (RotorHome, AccountStore, [AccountID]) {
        let home = try RotorHome()
        let store = try AccountStore(directory: StateDirectory(url: home.rotorHome))
        let ids = try ["me@x.io", "w@corp.io"].enumerated().map { index, email in
            try store.saveLogin(AccountLogin(
                email: email, chatgptAccountID: "acct-\(index)", plan: "plus",
                credentials: AccountCredentials(idToken: "id-\(index)", accessToken: "at-\(index)",
                                                refreshToken: "rt-\(index)"),
                accessTokenExpiresAt: now.addingTimeInterval(3600), label: index == 1 ? "work" : nil)).account.id
        }
        return (home, store, ids)
    }
}

/// Codex auth.json files with unsigned test JWTs.
enum AuthFile {
    static func login(
        email: String,
        accountID: String = "acct-0001",
        plan: String = "plus",
        refreshToken: String = "rt-SECRET-1",
        accessTokenExpiry: Int = 2_000_000_000
    ) -> String {
        let idToken = TestJWT.make([
            "email": email,
            "https://api.openai.com/auth": ["chatgpt_account_id": accountID, "chatgpt_plan_type": plan],
        ])
        let accessToken = self.accessToken(accountID: accountID, expiry: accessTokenExpiry)
        return json([
            "OPENAI_API_KEY": NSNull(),
            "tokens": [
                "id_token": idToken, "access_token": accessToken, "refresh_token": refreshToken,
                "account_id": accountID,
            ],
            "last_refresh": "2025-05-01T12:34:56.123456789Z",
        ])
    }

    /// An access token of `accountID` that expires at `expiry` (unix seconds).
    static func accessToken(accountID: String = "acct-0001", expiry: Int) -> String {
        TestJWT.make(["exp": expiry, "https://api.openai.com/auth": ["chatgpt_account_id": accountID]])
    }

    static let apiKeyOnly = json(["OPENAI_API_KEY": "sk-test-key"])
    static let withoutTokens = json(["last_refresh": "2025-05-01T12:34:56Z"])
    static let malformedJWT = json([
        "tokens": ["id_token": "not-a-jwt", "access_token": "at", "refresh_token": "rt", "account_id": "acct"],
    ])

    private static func json(_ object: [String: Any]) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }
}
