import Foundation
import RotorCore
import RotorStore
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `rotor accounts import` never replaces a newer stored login with an older file, and saves under the account's
/// lock, waiting for a token refresh in flight.
@Suite(.serialized)
struct AccountsImportTests {
    /// After rotor refreshed the account (a later access-token expiry and a rotated refresh token), importing the
    /// older auth.json keeps the stored login: storing the file's spent refresh token would log the account out.
    @Test func importKeepsANewerStoredLogin() throws {
        let home = try RotorHome()
        defer { home.remove() }
        let path = try home.writeAuthFile(AuthFile.login(email: "dev@x.io", refreshToken: "rt-SECRET-1"))
        #expect(try home.rotor("accounts", "import").status == 0)

        let store = try AccountStore(directory: StateDirectory(url: home.rotorHome))
        let id = try #require(try store.accounts().first?.id)
        let stored = try #require(try store.credentials(for: id))
        let refreshed = AccountCredentials(
            idToken: stored.idToken,
            accessToken: AuthFile.accessToken(expiry: 2_000_003_600),
            refreshToken: "rt-SECRET-2"
        )
        try store.storeRefreshedCredentials(
            refreshed, accessTokenExpiresAt: Date(timeIntervalSince1970: 2_000_003_600), for: id,
            replacingRefreshToken: "rt-SECRET-1")

        let again = try home.rotor("accounts", "import")
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout == "Kept dev@x.io: the stored login is newer than \(path)\n")
        #expect(try store.credentials(for: id)?.refreshToken == "rt-SECRET-2")
    }

    /// Importing the very login that is stored (the same refresh token) changes nothing and says so.
    @Test func importOfTheStoredLoginIsUnchanged() throws {
        let home = try RotorHome()
        defer { home.remove() }
        try home.writeAuthFile(AuthFile.login(email: "dev@x.io"))
        #expect(try home.rotor("accounts", "import").status == 0)

        let again = try home.rotor("accounts", "import")
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout == "Unchanged dev@x.io\n")
    }

    /// A newer file replaces the stored login.
    @Test func importOfANewerLoginUpdates() throws {
        let home = try RotorHome()
        defer { home.remove() }
        try home.writeAuthFile(AuthFile.login(email: "dev@x.io", refreshToken: "rt-SECRET-1"))
        #expect(try home.rotor("accounts", "import").status == 0)
        try home.writeAuthFile(
            AuthFile.login(email: "dev@x.io", refreshToken: "rt-SECRET-2", accessTokenExpiry: 2_000_003_600))

        let again = try home.rotor("accounts", "import")
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout == "Updated dev@x.io\n")
        let store = try AccountStore(directory: StateDirectory(url: home.rotorHome))
        let id = try #require(try store.accounts().first?.id)
        #expect(try store.credentials(for: id)?.refreshToken == "rt-SECRET-2")
    }

    /// While another process holds the account's lock (a refresh in flight), import says it waits, waits, and saves
    /// once the lock is released.
    @Test func importWaitsForARefreshInFlight() async throws {
        let home = try RotorHome()
        defer { home.remove() }
        try home.writeAuthFile(AuthFile.login(email: "dev@x.io", refreshToken: "rt-SECRET-1"))
        #expect(try home.rotor("accounts", "import").status == 0)
        let store = try AccountStore(directory: StateDirectory(url: home.rotorHome))
        let id = try #require(try store.accounts().first?.id)
        try home.writeAuthFile(
            AuthFile.login(email: "dev@x.io", refreshToken: "rt-SECRET-2", accessTokenExpiry: 2_000_003_600))

        // The test plays the refreshing process: it holds the account's lock file.
        let lockPath = home.rotorHome.appending(path: "locks/\(id.rawValue).lock").path
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        try #require(flock(descriptor, LOCK_EX | LOCK_NB) == 0)

        let stderrPath = home.root.appending(path: "import.stderr").path
        let importing = try BackgroundRotor(
            ["accounts", "import"], environment: home.environment, stderrPath: stderrPath)
        let waiting = "Waiting for a token refresh of dev@x.io…"
        let sawWaiting = try await awaitLine(waiting, inFile: stderrPath, while: importing)
        #expect(sawWaiting, "rotor did not say it waits for the lock: \((try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "")")
        #expect(try store.credentials(for: id)?.refreshToken == "rt-SECRET-1", "saved without the lock")
        flock(descriptor, LOCK_UN)

        #expect(try await importing.exitStatus() == 0)
        #expect(try importing.readLine() == "Updated dev@x.io")
        #expect(try store.credentials(for: id)?.refreshToken == "rt-SECRET-2")
    }

    /// Polls `path` until it holds `line` (true), or the process ends or 20 s pass without it (false).
    private func awaitLine(_ line: String, inFile path: String, while process: BackgroundRotor) async throws -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: BackgroundRotor.timeout)
        while clock.now < deadline {
            let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            if text.split(separator: "\n").contains(Substring(line)) { return true }
            guard process.process.isRunning else { return false }
            try await Task.sleep(for: .milliseconds(20))
        }
        return false
    }
}
