import RotorTestSupport
import Testing

@testable import RotorPlatform

#if canImport(Glibc)
import Glibc
#endif

struct PrivateFileTests {
    /// A new file is 0600 and close-on-exec; opening it again with `O_EXCL` reports that it exists.
    @Test func createsPrivateFilesAndReportsAnExistingOneToExclusiveCreation() throws {
        let directory = try TemporaryDirectory(prefix: "rotor-platform")
        defer { directory.remove() }
        let path = directory.path("file")
        let descriptor = try PrivateFile.open(path, flags: O_WRONLY | O_EXCL)
        defer { PrivateFile.close(descriptor) }
        #expect(PrivateFile.permissions(ofDescriptor: descriptor) == 0o600)
        #expect(fcntl(descriptor, F_GETFD) & FD_CLOEXEC == FD_CLOEXEC)
        #expect(throws: PrivateFile.OpenError(step: .open, error: .fileExists)) {
            _ = try PrivateFile.open(path, flags: O_WRONLY | O_EXCL)
        }
    }

    /// An existing file with a looser mode is tightened to 0600 when opened.
    @Test func tightensALooseFile() throws {
        let directory = try TemporaryDirectory(prefix: "rotor-platform")
        defer { directory.remove() }
        let path = directory.path("file")
        let loose = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
        try #require(loose >= 0)
        fchmod(loose, 0o644)
        close(loose)
        let descriptor = try PrivateFile.open(path, flags: O_RDONLY)
        defer { PrivateFile.close(descriptor) }
        #expect(PrivateFile.permissions(ofDescriptor: descriptor) == 0o600)
    }

    /// A failure says what the system said, naming the step when it was not the open itself.
    @Test func failuresCarryTheSystemsReason() throws {
        let missing = "/nonexistent-rotor-directory/file"
        #expect(throws: PrivateFile.OpenError(step: .open, error: SystemError(code: ENOENT))) {
            _ = try PrivateFile.open(missing, flags: O_RDONLY)
        }
        #expect(PrivateFile.OpenError(step: .open, error: SystemError(code: ENOENT)).description
            == "No such file or directory")
        #expect(PrivateFile.OpenError(step: .makePrivate, error: SystemError(code: EPERM)).description
            == "cannot make it private (mode 0600): Operation not permitted")
    }
}
