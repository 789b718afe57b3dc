import RotorCore

/// The proxy could not start listening.
public enum ProxyStartError: UserFacingError {
    /// Binding `host`:`port` failed.
    case cannotListen(host: LoopbackHost, port: Int, reason: String)

    public var description: String {
        switch self {
        case .cannotListen(let host, let port, let reason):
            "cannot listen on \(host.urlHost):\(port) (\(reason)); choose another --port or stop what uses it."
        }
    }

    public var exitCode: Int32 { ExitStatusCode.unavailable }
}
