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

    /// One pass: refreshes every account that ``TokenRenewal/due(in:now:)`` names. Failures are logged and left to
    /// the next pass or the next request (a dead login is already stored as needs-login by the refresher).
    func renewDue(now: Date) async {
        let accounts: [Account]
        do {
            accounts = try store.accounts()
        } catch {
            logger.warning("token renewal cannot read the store", metadata: ["rotor.error": "\(error)"])
            return
        }
        for id in TokenRenewal.due(in: accounts, now: now) {
            guard !Task.isCancelled else { return }
            do {
                _ = try await refresher.credentials(for: id, trigger: .nearExpiry, now: now)
            } catch {
                logger.info("token renewal failed", metadata: ["rotor.account": "\(id.shortID)", "rotor.error": "\(error)"])
            }
        }
    }
}
