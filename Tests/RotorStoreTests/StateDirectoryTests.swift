import Foundation
import RotorCore
import RotorStore
import RotorTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

struct StateDirectoryTests {
    /// ROTOR_HOME wins, then an absolute XDG_DATA_HOME, then ~/.local/share/rotor.
    @Test(arguments: [
        (["ROTOR_HOME": "/r", "XDG_DATA_HOME": "/x", "HOME": "/h"], "/r"),
        (["ROTOR_HOME": "", "XDG_DATA_HOME": "/x", "HOME": "/h"], "/x/rotor"),
        (["XDG_DATA_HOME": "relative", "HOME": "/h"], "/h/.local/share/rotor"),
        (["HOME": "/h"], "/h/.local/share/rotor"),
    ])
    func resolve(environment: [String: String], expected: String) {
        #expect(StateDirectory.resolve(environment: environment).url.path == expected)
    }

    /// The well-known paths inside the directory.
    @Test func paths() {
        let directory = StateDirectory(url: URL(fileURLWithPath: "/s"))
        #expect(directory.databaseURL.path == "/s/rotor.sqlite")
        #expect(directory.logsDirectory.path == "/s/logs")
        #expect(directory.locksDirectory.path == "/s/locks")
        #expect(directory.proxySecretURL.path == "/s/proxy.secret")
    }

    /// prepare() creates missing parents and makes the directory and its subdirectories 0700, tightening a loose one.
    @Test func prepareCreatesPrivateDirectories() throws {
        let temporary = try TemporaryDirectory(prefix: "rotor-store-tests")
        defer { temporary.remove() }
        let directory = StateDirectory(url: temporary.url.appending(path: "a/b/rotor"))
        try directory.prepare()
        chmod(directory.url.path, 0o755)
        try directory.prepare()
        for url in [directory.url, directory.logsDirectory, directory.locksDirectory] {
            #expect(try mode(of: url) == 0o700)
        }
    }

    /// A state directory below a regular file cannot be created: `state-directory-not-writable`, exit 73.
    @Test func prepareFailsBelowAFile() throws {
        let temporary = try TemporaryDirectory(prefix: "rotor-store-tests")
        defer { temporary.remove() }
        let file = temporary.url.appending(path: "file")
        try Data().write(to: file)
        for url in [file, file.appending(path: "rotor")] {
            let error = #expect(throws: StoreError.self) { try StateDirectory(url: url).prepare() }
            #expect(error?.code == .stateDirectoryNotWritable)
            #expect(error?.exitCode == ExitStatusCode.cannotCreate)
        }
    }

    /// A directory whose existing parent refuses new entries (procfs answers ENOENT) fails with one error instead
    /// of retrying the parent forever.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/proc/self"), "needs procfs"))
    func prepareFailsWhereTheParentRefusesEntries() throws {
        let error = #expect(throws: StoreError.self) {
            try StateDirectory(url: URL(fileURLWithPath: "/proc/rotor-state")).prepare()
        }
        #expect(error?.code == .stateDirectoryNotWritable)
        #expect(error?.description.contains("/proc/rotor-state") == true)
    }

    /// Private files are created 0600 whatever the requested flags, and an existing loose file is tightened.
    @Test func openPrivateFile() throws {
        let temporary = try TemporaryDirectory(prefix: "rotor-store-tests")
        defer { temporary.remove() }
        let created = temporary.url.appending(path: "secret")
        let descriptor = try StateDirectory.openPrivateFile(at: created, flags: O_WRONLY)
        close(descriptor)
        #expect(try mode(of: created) == 0o600)

        let loose = temporary.url.appending(path: "loose")
        try Data("x".utf8).write(to: loose)
        chmod(loose.path, 0o644)
        let second = try StateDirectory.openPrivateFile(at: loose, flags: O_RDONLY)
        #expect(fcntl(second, F_GETFD) & FD_CLOEXEC == FD_CLOEXEC)
        close(second)
        #expect(try mode(of: loose) == 0o600)
    }
}
