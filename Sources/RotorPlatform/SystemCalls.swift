import Glibc

/// The C library calls of ``RotorPlatform``, one thin wrapper each: the only file of rotor's platform layer that
/// imports the C library, so that a port to another system replaces this file.
///
/// Each wrapper makes one call and reports `errno` on failure; retrying is the caller's decision.
enum SystemCalls {
    static let interrupted = EINTR
    static let wouldBlock = EWOULDBLOCK
    static let exists = EEXIST
    static let ioError = EIO
    static let standardOutput = STDOUT_FILENO
    static let standardError = STDERR_FILENO
    static let writeOnlyTruncating = O_WRONLY | O_TRUNC

    /// `write(2)`: how many bytes were written.
    static func write(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Result<Int, SystemError> {
        let written = Glibc.write(descriptor, bytes.baseAddress, bytes.count)
        return written >= 0 ? .success(written) : .failure(SystemError(code: errno))
    }

    /// `open(2)` with `O_CREAT | O_CLOEXEC` added to `flags`, creating with `mode`.
    static func openCreating(_ path: String, flags: Int32, mode: UInt32) -> Result<Int32, SystemError> {
        let descriptor = Glibc.open(path, flags | O_CREAT | O_CLOEXEC, mode)
        return descriptor >= 0 ? .success(descriptor) : .failure(SystemError(code: errno))
    }

    /// The permission bits (`st_mode & 0o7777`) of an open file, from `fstat(2)`.
    static func permissions(_ descriptor: Int32) -> Result<UInt32, SystemError> {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return .failure(SystemError(code: errno)) }
        return .success(UInt32(status.st_mode) & 0o7777)
    }

    /// `stat(2)` of `path` (following symbolic links): device, inode, size and modification time.
    static func status(ofPath path: String) -> Result<FileFingerprint, SystemError> {
        var status = stat()
        guard stat(path, &status) == 0 else { return .failure(SystemError(code: errno)) }
        return .success(FileFingerprint(
            device: UInt64(status.st_dev), inode: UInt64(status.st_ino), size: Int64(status.st_size),
            modifiedSeconds: Int64(status.st_mtim.tv_sec), modifiedNanoseconds: Int64(status.st_mtim.tv_nsec)))
    }

    /// `fchmod(2)`.
    static func changeMode(_ descriptor: Int32, to mode: UInt32) -> Result<Void, SystemError> {
        fchmod(descriptor, mode) == 0 ? .success(()) : .failure(SystemError(code: errno))
    }

    /// `close(2)`; its result is of no use (the descriptor is released either way on Linux).
    static func close(_ descriptor: Int32) {
        _ = Glibc.close(descriptor)
    }

    /// `flock(2)` with `LOCK_EX | LOCK_NB`: never waits.
    static func tryLockExclusive(_ descriptor: Int32) -> Result<Void, SystemError> {
        flock(descriptor, LOCK_EX | LOCK_NB) == 0 ? .success(()) : .failure(SystemError(code: errno))
    }

    /// `flock(2)` with `LOCK_UN`.
    static func unlock(_ descriptor: Int32) {
        _ = flock(descriptor, LOCK_UN)
    }

    /// Suspends the calling thread for `duration` (`nanosleep(2)`; a signal may end it early).
    static func sleep(for duration: Duration) {
        let components = duration.components
        var time = timespec(tv_sec: Int(components.seconds), tv_nsec: Int(components.attoseconds / 1_000_000_000))
        _ = nanosleep(&time, nil)
    }

    /// `fsync(2)`.
    static func synchronize(_ descriptor: Int32) -> Result<Void, SystemError> {
        fsync(descriptor) == 0 ? .success(()) : .failure(SystemError(code: errno))
    }

    /// `rename(2)`: atomically replaces `destination`.
    static func rename(_ source: String, to destination: String) -> Result<Void, SystemError> {
        Glibc.rename(source, destination) == 0 ? .success(()) : .failure(SystemError(code: errno))
    }

    /// `strerror(3)`: the system's message for `code`.
    static func message(for code: Int32) -> String {
        String(cString: strerror(code))
    }
}
