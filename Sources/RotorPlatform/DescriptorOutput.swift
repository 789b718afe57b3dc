/// Writes whole buffers to a file descriptor.
package enum DescriptorOutput {
    /// Standard output.
    package static let standardOutput = SystemCalls.standardOutput
    /// Standard error.
    package static let standardError = SystemCalls.standardError

    /// Writes all of `bytes` to `descriptor`, or throws.
    ///
    /// `write(2)` may write part of a buffer (a pipe with less room, a signal after some bytes), or nothing at all
    /// when a signal arrives first (`EINTR`); both are retried with what is left, so no byte is silently dropped.
    /// - Throws: ``SystemError`` for any other failure (`EPIPE`, `ENOSPC`, a descriptor set non-blocking).
    package static func writeAll(_ bytes: some Collection<UInt8>, to descriptor: Int32) throws(SystemError) {
        let result: Result<Void, SystemError> =
            bytes.withContiguousStorageIfAvailable { writeAll(UnsafeRawBufferPointer($0), to: descriptor) }
            ?? Array(bytes).withUnsafeBytes { writeAll($0, to: descriptor) }
        try result.get()
    }

    /// Writes all of `text`, UTF-8 encoded, to `descriptor`, or throws ``SystemError``.
    package static func writeAll(_ text: String, to descriptor: Int32) throws(SystemError) {
        try writeAll(Array(text.utf8), to: descriptor)
    }

    private static func writeAll(_ buffer: UnsafeRawBufferPointer, to descriptor: Int32) -> Result<Void, SystemError> {
        var offset = 0
        while offset < buffer.count {
            switch SystemCalls.write(descriptor, UnsafeRawBufferPointer(rebasing: buffer[offset...])) {
            case .success(0):
                // Only a zero-length write may write nothing; a stuck descriptor must not spin this loop.
                return .failure(SystemError(code: SystemCalls.ioError))
            case .success(let written):
                offset += written
            case .failure(let error) where error.code == SystemCalls.interrupted:
                continue
            case .failure(let error):
                return .failure(error)
            }
        }
        return .success(())
    }
}
