import RotorCore
import Synchronization

/// Single-flight token refreshes within one process: concurrent requests for one account share one refresh.
///
/// A refresh runs in a task of its own, kept in this table until it ends and awaited by every request that needs it.
/// It must not be a child of the request that happened to start it: cancelling that request (its client went away)
/// must not cancel a refresh whose rotated refresh token is already spent at the server but not yet stored, or the
/// account would be logged out.
final class RefreshFlights: Sendable {
    private struct Flight {
        var number: UInt64
        var task: Task<AccountCredentials, any Error>
    }

    private struct Table {
        var nextNumber: UInt64 = 0
        var flights: [AccountID: Flight] = [:]
    }

    private let table = Mutex(Table())

    /// Credentials for `id` from the refresh in progress, or from a new one running `refresh`.
    ///
    /// A joined refresh that was started for another reason may return the very token this request saw rejected;
    /// then a refresh of this request's own is started (at most twice more).
    func credentials(
        for id: AccountID,
        trigger: TokenRefresher.Trigger?,
        refresh: @escaping @Sendable () async throws -> AccountCredentials
    ) async throws -> AccountCredentials {
        var joins = 0
        while true {
            let (task, isOwn) = table.withLock { table in
                if let flight = table.flights[id], joins < 2 { return (flight.task, false) }
                table.nextNumber += 1
                let number = table.nextNumber
                let task = Task {
                    defer { self.end(number, for: id) }
                    return try await refresh()
                }
                table.flights[id] = Flight(number: number, task: task)
                return (task, true)
            }
            let credentials = try await task.value
            if isOwn || trigger?.isAnswered(by: credentials) != false { return credentials }
            joins += 1
        }
    }

    private func end(_ number: UInt64, for id: AccountID) {
        table.withLock { table in
            if table.flights[id]?.number == number { table.flights[id] = nil }
        }
    }
}

extension TokenRefresher.Trigger {
    /// Whether `credentials` serve the request that raised this trigger: after a 401, only another access token does.
    func isAnswered(by credentials: AccountCredentials) -> Bool {
        switch self {
        case .nearExpiry: true
        case .unauthorized(let rejected): credentials.accessToken != rejected
        }
    }
}
