#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

extension AttemptVerdict {
    /// Classifies one attempt's outcome with the table of docs/routing.md.
    public init(classifying outcome: AttemptOutcome, now: Date) {
        switch outcome {
        case .connectFailed, .endedBeforeFirstEvent:
            self = .failOver(AccountFailure(.network))
        case .headerTimeout:
            self = .failOver(AccountFailure(.timeout))
        case .idleTimeoutBeforeFirstEvent(_, let headers):
            self = .failOver(AccountFailure(.timeout, signal: RateLimitSignal(headers: headers, body: [], now: now)))
        case .success(_, let headers):
            self = .success(usage: UsageSnapshot(headers: headers, observedAt: now))
        case .errorResponse(let status, let headers, let body):
            self = Self.classify(status: status, signal: RateLimitSignal(headers: headers, body: body, now: now),
                                 body: body)
        case .failedFirstEvent(_, let headers, let event):
            self = Self.classifyFailedEvent(RateLimitSignal(headers: headers, body: event, now: now))
        case .streamBrokeAfterCommit(.connectionLost):
            self = .surface(nil)
        case .streamBrokeAfterCommit(.idleTimeout):
            self = .surface(AccountFailure(.timeout))
        case .streamBrokeAfterCommit(.failedEvent(let event)):
            switch Self.classifyFailedEvent(RateLimitSignal(headers: [], body: event, now: now)) {
            case .failOver(let failure): self = .surface(failure)
            default: self = .surface(nil)
            }
        }
    }

    private static func classify(status: Int, signal: RateLimitSignal, body: [UInt8]) -> AttemptVerdict {
        if let verdict = accountVerdict(signal) { return verdict }
        switch status {
        case 401:
            if signal.kind == .tokenInvalidated {
                return .needsLogin(reason: "the upstream says the access token was invalidated (401)")
            }
            return .refreshThenRetry
        case 402, 403:
            guard signal.error?.message?.lowercased().contains("deactivated") == true else {
                return .passThrough(mentionsReasoning: false)
            }
            return .disable(reason: "the workspace is deactivated (\(status))", usage: signal.usage)
        case 429:
            return .failOver(AccountFailure(.rateLimit, signal: signal))
        case 500...599:
            return .failOver(AccountFailure(.overloaded, signal: signal))
        case 400:
            return .passThrough(mentionsReasoning: mentionsReasoning(body))
        default:
            return .passThrough(mentionsReasoning: false)
        }
    }

    private static func classifyFailedEvent(_ signal: RateLimitSignal) -> AttemptVerdict {
        accountVerdict(signal) ?? .passThrough(mentionsReasoning: false)
    }

    /// The verdict the body's error code dictates whatever the status (`usage_limit_reached` is seen with 404).
    private static func accountVerdict(_ signal: RateLimitSignal) -> AttemptVerdict? {
        let name = signal.error?.code ?? signal.error?.type ?? ""
        switch signal.kind {
        case .usageLimitReached: return .failOver(AccountFailure(.usageLimit, signal: signal))
        case .rateLimitExceeded: return .failOver(AccountFailure(.rateLimit, signal: signal))
        case .overloaded: return .failOver(AccountFailure(.overloaded, signal: signal))
        case .usageNotIncluded:
            return .disable(reason: "the ChatGPT plan does not include Codex (\(name))", usage: signal.usage)
        case .insufficientQuota:
            return .disable(reason: "the plan has no quota left (\(name))", usage: signal.usage)
        case .deactivated:
            return .disable(reason: "the workspace is deactivated (\(name))", usage: signal.usage)
        case .tokenInvalidated, .other:
            return nil
        }
    }

    private static let reasoningMarkers = [Array("encrypted_content".utf8), Array("reasoning".utf8)]

    private static func mentionsReasoning(_ body: [UInt8]) -> Bool {
        let lowered = body.map { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) ? $0 | 0x20 : $0 }
        return reasoningMarkers.contains { lowered.firstRange(of: $0) != nil }
    }
}
