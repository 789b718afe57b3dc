/// Opens files that only their owner may read or write (mode 0600 from the moment they exist).
package enum PrivateFile {
    /// Why a private file could not be opened.
    package struct OpenError: Error, Hashable, Sendable, CustomStringConvertible {
        /// Which step failed.
        package enum Step: Hashable, Sendable {
            /// `open(2)` itself.
            case open
            /// Tightening an existing file's looser mode to 0600.
            case makePrivate
            /// Writing, syncing or renaming it into place (``PrivateFile/replace(_:with:)``).
            case write
        }

        /// Which step failed.
        package var step: Step
        /// The system's error.
        package var error: SystemError

        /// The system's message, prefixed by the step when it was not the open itself.
        package var description: String {
            switch step {
            case .open: error.description
            case .makePrivate: "cannot make it private (mode 0600): \(error)"
            case .write: "cannot write it: \(error)"
            }
        }
    }

    /// Opens `path` with `O_CLOEXEC` (a child never inherits it), creating it with mode 0600 if absent, and returns
    /// the descriptor, which the caller closes.
    ///
    /// `flags` are `open(2)` flags (`O_RDWR`, `O_APPEND`, `O_EXCL`, …); `O_CREAT` and `O_CLOEXEC` are always added.
    /// The mode given to `open` applies only to a file it creates, and the umask can only remove bits from it, so
    /// the file is never readable by others; a file whose mode is not exactly 0600 (an existing, looser one, or a
    /// new one a strict umask left unwritable) is set to 0600.
    /// - Throws: ``OpenError``.
    package static func open(_ path: String, flags: Int32) throws(OpenError) -> Int32 {
        var opened: Result<Int32, SystemError>
        repeat {
            opened = SystemCalls.openCreating(path, flags: flags, mode: 0o600)
        } while opened == .failure(SystemError(code: SystemCalls.interrupted))
        let descriptor: Int32
        switch opened {
        case .success(let opened): descriptor = opened
        case .failure(let error): throw OpenError(step: .open, error: error)
        }
        if case .success(let mode) = SystemCalls.permissions(descriptor), mode & 0o777 != 0o600,
            case .failure(let error) = SystemCalls.changeMode(descriptor, to: 0o600)
        {
            SystemCalls.close(descriptor)
            throw OpenError(step: .makePrivate, error: error)
        }
        return descriptor
    }

    /// The permission bits (`st_mode & 0o7777`) of an open file, or `nil` if they cannot be read.
    package static func permissions(ofDescriptor descriptor: Int32) -> UInt32? {
        try? SystemCalls.permissions(descriptor).get()
    }

    /// Replaces the file at `path` with `bytes`, durably and atomically: written to `<path>.tmp` (0600 from
    /// creation), synced to disk, then renamed over `path`. A reader sees the old file or the whole new one.
    /// - Throws: ``OpenError`` naming the failed step.
    package static func replace(_ path: String, with bytes: some Collection<UInt8>) throws(OpenError) {
        let temporary = path + ".tmp"
        let descriptor = try open(temporary, flags: SystemCalls.writeOnlyTruncating)
        defer { SystemCalls.close(descriptor) }
        do throws(SystemError) {
            try DescriptorOutput.writeAll(bytes, to: descriptor)
            try SystemCalls.synchronize(descriptor).get()
            try SystemCalls.rename(temporary, to: path).get()
        } catch {
            throw OpenError(step: .write, error: error)
        }
    }

    /// Closes a descriptor this process owns.
    package static func close(_ descriptor: Int32) {
        SystemCalls.close(descriptor)
    }
}
