import RotorCore
import RotorLauncher

/// Launch failures exit like a shell's: 127 when the command is not found, 126 when it cannot be executed.
extension LaunchError: UserFacingError {
    public var exitCode: Int32 {
        switch code {
        case .commandNotFound: ExitStatusCode.commandNotFound
        case .commandNotExecutable, .execFailed: ExitStatusCode.commandNotExecutable
        case .spawnFailed, .signalHandlingUnavailable: ExitStatusCode.unavailable
        }
    }
}
