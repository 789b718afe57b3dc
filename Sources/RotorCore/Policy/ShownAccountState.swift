#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// An account's state as `rotor status` and `rotor accounts list` show it under a routing policy: its
/// ``AccountState``, or `reserved` while it could serve but is at a reserve.
public struct ShownAccountState: Hashable, Sendable {
    /// The account's state.
    public var state: AccountState
    /// The window at its reserve while the account is otherwise ready; `nil` when it is not reserved.
    public var reservation: Reservation?
    /// When a reserved account leaves its reserves (``RoutingPolicy/reserveEnds(for:at:)``).
    public var reservedUntil: Date?

    /// `reserved`, else the state's name (`ready`, `cooling`, `needs-login`, `disabled`).
    public var name: String { reservation == nil ? state.name : "reserved" }
}

extension RoutingPolicy {
    /// How `account` is shown at `now` under this policy.
    public func shownState(of account: Account, at now: Date) -> ShownAccountState {
        let reservation = shownReservation(of: account, at: now)
        return ShownAccountState(state: account.state(at: now), reservation: reservation,
                                 reservedUntil: reservation == nil ? nil : reserveEnds(for: account, at: now))
    }
}
