import Foundation
import Logging
import RotorAuth
import RotorCore
import RotorStore
import ServiceLifecycle

/// Refreshes access tokens shortly before they expire, cooling accounts included, for as long as the proxy runs,
/// so that an account coming back from a cooldown serves its first request without a refresh in its way.
///
/// Every rotor process runs one; ``TokenRefresher`` keeps them from refreshing an account twice (per-account lock,
/// re-read under it), so the cost of several is one store read per pass each.
///
/// A `Service` of the proxy's `ServiceGroup`: it stops at the group's graceful shutdown.
struct TokenRenewalLoop: Service {
    let store: AccountStore
    let refresher: TokenRefresher
    let logger: Logger
    /// The proxy's time source: `now` for each pass, its clock for the pauses.
    var time: TimeSource = .system
    /// Time between passes; well under ``TokenRenewal/margin`` so no expiry slips through.
    var interval: Duration = .seconds(60)

    /// Runs passes until the group shuts down (or the task is cancelled).
    func run() async {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await renewDue(now: time.now())
                do {
                    try await time.clock.sleep(for: interval)
                } catch {
                    return
                }
            }
        }
    }

    /// One pass: refreshes every account that ``TokenRenewal/due(in:now:)`` names, and records what
    /// ``TokenRenewal/effects(for:after:)`` says of each result (a refused login needs a new one). Failures are logged
    /// and left to the next pass or the next request.
    func renewDue(now: Date) async {
        let accounts: [Account]
        do {
            accounts = try store.currentAccounts()
        } catch {
            logger.warning("token renewal cannot read the store", metadata: ["rotor.error": "\(error)"])
            return
        }
        for id in TokenRenewal.due(in: accounts, now: now) {
            guard !Task.isCancelled else { return }
            let result: TokenRenewal.Result
            do {
                _ = try await refresher.credentials(for: id, trigger: .nearExpiry, now: now)
                result = .renewed
            } catch TokenRefreshError.needsLogin(let reason, let refused) {
                result = .refused(reason: reason, refused: refused)
            } catch {
                logger.info("token renewal failed", metadata: ["rotor.account": "\(id.shortID)", "rotor.error": "\(error)"])
                result = .failed(reason: "\(error)")
            }
            record(TokenRenewal.effects(for: id, after: result), now: time.now())
        }
    }

    /// Records through the proxy's own account source, so that the renewal's writes are the requests' writes.
    private func record(_ effects: [RequestRouting.Effect], now: Date) {
        guard !effects.isEmpty else { return }
        do {
            try StoreAccountSource(store: store, refresher: refresher).record(effects, decisions: [], now: now)
        } catch {
            logger.error("token renewal cannot record its result", metadata: ["rotor.error": "\(error)"])
        }
    }
}
