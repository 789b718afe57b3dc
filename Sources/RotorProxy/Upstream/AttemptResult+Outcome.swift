import HTTPTypes
import RotorCore

extension AttemptResult {
    /// The attempt as ``RequestRouting`` classifies it; `nil` when it was cancelled because the client went away
    /// (nothing to classify: the request is over).
    public var outcome: AttemptOutcome? {
        switch self {
        case .ready(let stream): .success(status: stream.status, headers: stream.headers.headerFields)
        case .failed(let failure): failure.outcome
        }
    }
}

extension AttemptFailure {
    /// The failure as ``RequestRouting`` classifies it; `nil` for `.cancelled`.
    public var outcome: AttemptOutcome? {
        let headerFields = headers.headerFields
        switch kind {
        case .network:
            return .connectFailed(connectionFailure ?? .reset)
        case .headerTimeout:
            return .headerTimeout
        case .idleTimeout:
            return .idleTimeoutBeforeFirstEvent(status: status ?? 200, headers: headerFields)
        case .status:
            return .errorResponse(status: status ?? 502, headers: headerFields, body: body)
        case .failedEvent:
            return .failedFirstEvent(status: status ?? 200, headers: headerFields, event: firstEvent?.data ?? [])
        case .streamEnded:
            return .endedBeforeFirstEvent(status: status ?? 200, headers: headerFields)
        case .cancelled:
            return nil
        }
    }
}

extension HTTPFields {
    /// The fields as RotorCore's ``HeaderFields``: lower-case names, in order.
    var headerFields: HeaderFields {
        map { (name: $0.name.canonicalName, value: $0.value) }
    }
}
