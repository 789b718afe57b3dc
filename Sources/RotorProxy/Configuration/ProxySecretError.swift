import RotorCore

/// Why the proxy secret file cannot be used.
public enum ProxySecretError: UserFacingError, Equatable {
    /// The file exists but cannot be read.
    case unreadable(path: String, reason: String)
    /// The file is readable or writable by others.
    case notPrivate(path: String)
    /// The file does not hold one base64url line of at least 16 bytes.
    case malformed(path: String)
    /// The file could not be created.
    case cannotCreate(path: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            "cannot read the proxy secret file \(path): \(reason); fix its permissions or pass another --secret-file."
        case .notPrivate(let path):
            "the proxy secret file \(path) is accessible by other users; run `chmod 600 \(path)` or delete it to get a new one."
        case .malformed(let path):
            "the proxy secret file \(path) does not hold a base64url secret; delete it and rotor writes a new one."
        case .cannotCreate(let path, let reason):
            "cannot create the proxy secret file \(path): \(reason); check that its directory exists and is writable."
        }
    }

    public var exitCode: Int32 {
        switch self {
        case .unreadable: ExitStatusCode.noInput
        case .notPrivate: ExitStatusCode.noPermission
        case .malformed: ExitStatusCode.dataError
        case .cannotCreate: ExitStatusCode.cannotCreate
        }
    }
}
