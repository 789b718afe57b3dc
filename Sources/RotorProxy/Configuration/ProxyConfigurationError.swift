import RotorCore

/// A `ROTOR_*` environment variable holds a value rotor cannot use.
public enum ProxyConfigurationError: UserFacingError, Equatable {
    /// `variable` is `value`, but must be `expected`.
    case invalid(variable: String, value: String, expected: String)

    public var description: String {
        switch self {
        case .invalid(let variable, let value, let expected):
            "\(variable)=\(value) is not \(expected); fix or unset it."
        }
    }

    public var exitCode: Int32 { ExitStatusCode.configuration }
}
