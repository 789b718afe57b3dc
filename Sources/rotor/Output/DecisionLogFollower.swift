import Foundation
import RotorCore
import RotorStore

/// `rotor log --follow`: the requests that ended since the last poll, each printed once, when its last row says how
/// it ended (a failed attempt's row arrives before the row of the attempt that serves). A request whose last row
/// never comes (its process died) is never printed.
struct DecisionLogFollower {
    /// How often the log is read: a request shows up within half a second of its last row.
    static let pollInterval = Duration.milliseconds(500)

    private var after: Int64
    private let requestID: String?
    private let account: AccountID?

    /// Follows the rows after `rowID`, of `requestID` only, or of requests that tried `account`, when given.
    init(after rowID: Int64, requestID: String?, account: AccountID?) {
        self.after = rowID
        self.requestID = requestID
        self.account = account
    }

    /// The requests that ended since the last poll, oldest first.
    mutating func poll(_ store: AccountStore) throws -> [AccountStore.LoggedRequest] {
        let changed = try store.loggedRequests(after: after)
        after = changed.map(\.lastRowID).max() ?? after
        var ended: [AccountStore.LoggedRequest] = []
        for request in changed where matches(request) {
            if let last = request.records.last, Self.ends(last.outcome) { ended.append(request) }
        }
        return ended
    }

    private func matches(_ request: AccountStore.LoggedRequest) -> Bool {
        if let requestID, request.requestID != requestID { return false }
        if let account, !request.records.contains(where: { $0.accountID == account }) { return false }
        return true
    }

    /// Whether a row with this outcome is a request's last.
    static func ends(_ outcome: DecisionRecord.Outcome) -> Bool {
        switch outcome {
        case .success, .interrupted, .clientClosed, .passThrough, .poolDry, .gaveUp: true
        case .usageLimit, .rateLimit, .overloaded, .network, .timeout, .unauthorized, .needsLogin, .disabled,
            .reasoningRejected, .refreshFailed:
            false
        }
    }
}
