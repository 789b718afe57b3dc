import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension RoutingPolicy {
    /// The policy as canonical JSON: keys sorted, no whitespace, only what changes a decision. A pool reserve of 0,
    /// an account's reserve equal to the pool's and a priority of 1 change nothing and are left out, so a file that
    /// spells out the defaults has the same form (and version) as no file; an account's reserve that differs from the
    /// pool's stays, 0 included (it exempts the account). Accounts are named by id, which a rename does not change.
    ///
    /// `{"accounts":{"<id>":{"priority":2,"reserve":{"weekly":30}}},"reserve":{"5h":20},"strategy":"reset-first",
    /// "when-all-reserved":"use-reserve"}`
    public var canonicalJSON: String {
        var accounts: [String: CanonicalAccount] = [:]
        for id in Set(priorities.keys).union(accountReserves.keys) {
            let priority = priority(of: id)
            let reserve = ownReserves(of: id)
            guard priority != Self.defaultPriority || !reserve.isEmpty else { continue }
            accounts[id.description] = CanonicalAccount(
                priority: priority == Self.defaultPriority ? nil : priority, reserve: reserve.isEmpty ? nil : reserve)
        }
        let canonical = Canonical(accounts: accounts, reserve: Self.effective(reserves), strategy: strategy.name,
                                  whenAllReserved: whenAllReserved.name)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding strings, integers, finite numbers and dictionaries of them cannot fail.
        let data = (try? encoder.encode(canonical)) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// The policy's version: the first 8 hex digits of the SHA-256 of ``canonicalJSON``. Every decision record
    /// carries it, so a decision can be traced to the policy that made it.
    public var version: String {
        SHA256.hash(data: Data(canonicalJSON.utf8)).prefix(4).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// The reserves of `account` that differ from the pool's, keyed by the window's name.
    private func ownReserves(of account: AccountID) -> [String: Double] {
        var own: [String: Double] = [:]
        for (window, percent) in accountReserves[account] ?? [:] where percent != (reserves[window] ?? 0) {
            own[window.description] = percent
        }
        return own
    }

    /// A per-window reserve map without the windows that keep nothing, keyed by the window's name.
    private static func effective(_ reserves: [UsageWindowName: Double]) -> [String: Double] {
        var effective: [String: Double] = [:]
        for (window, percent) in reserves where percent > 0 { effective[window.description] = percent }
        return effective
    }

    private struct Canonical: Encodable {
        var accounts: [String: CanonicalAccount]
        var reserve: [String: Double]
        var strategy: String
        var whenAllReserved: String

        enum CodingKeys: String, CodingKey {
            case accounts, reserve, strategy
            case whenAllReserved = "when-all-reserved"
        }
    }

    private struct CanonicalAccount: Encodable {
        var priority: Int?
        var reserve: [String: Double]?
    }
}
