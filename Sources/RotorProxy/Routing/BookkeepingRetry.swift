import Foundation
import Logging
import RotorCore

/// Retries a request's bookkeeping that the store refused after the client already had bytes (another process
/// held the write lock past the busy timeout, the disk was briefly full): a bounded number of tries with growing
/// pauses, each failure logged, then one error naming what is lost.
struct BookkeepingRetry: Sendable {
    let source: any AccountSource
    let clock: any Clock<Duration>
    let logger: Logger
    /// Pauses before each further try: about 30 s in all, longer than any busy spell worth waiting out.
    var pauses: [Duration] = [.milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(4),
                              .seconds(8), .seconds(15)]

    /// Tries until the write lands or the pauses are spent.
    func run(_ effects: [RequestRouting.Effect], record: DecisionRecord, now: Date) async {
        for pause in pauses {
            do {
                try await clock.sleep(for: pause)
            } catch {
                break
            }
            do {
                try source.record(effects, decisions: [record], now: now)
                logger.info("recorded the request after a retry", metadata: ["rotor.request-id": "\(record.requestID)"])
                return
            } catch {
                logger.warning("cannot record the request yet", metadata: [
                    "rotor.request-id": "\(record.requestID)", "rotor.error": "\(error)"])
            }
        }
        logger.error("gave up recording the request: its decision row and account bookkeeping are lost", metadata: [
            "rotor.request-id": "\(record.requestID)", "rotor.outcome": "\(record.outcome.rawValue)"])
    }
}
