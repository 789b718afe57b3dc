import RotorStore

/// The shared SQLite store is where the proxy reads accounts in production: every request sees the cooldowns and
/// logins every other rotor process recorded.
extension AccountStore: AccountSource {}
