extension Account {
    /// The accounts a proxy routes to: all of them, or only the pinned one (`rotor run --account`). What the proxy
    /// reports about its pool — `/healthz`, the accounts gauge, the pooled usage headers Codex warns from — is about
    /// these accounts, since no other can serve its requests.
    public static func pool(of accounts: [Account], pinnedTo pinned: AccountID?) -> [Account] {
        guard let pinned else { return accounts }
        return accounts.filter { $0.id == pinned }
    }
}
