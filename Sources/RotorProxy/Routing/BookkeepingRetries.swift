import Foundation
import Logging
import RotorCore
import ServiceLifecycle

/// Retries the bookkeeping of requests that the store refused after the client already had bytes (another process
/// held the write lock past the busy timeout, the disk was briefly full): each with a bounded number of tries and
/// growing pauses, every failure logged, then one error naming what is lost.
///
/// A `Service` of the proxy's `ServiceGroup`, listed first so that it stops last: at shutdown it takes no new work
/// once the server has stopped, makes one last try for each pending write, and logs what is lost.
struct BookkeepingRetries: Service {
    /// One request's writes that failed once.
    struct Job: Sendable {
        var effects: [RequestRouting.Effect]
        var record: DecisionRecord
        var now: Date
    }

    let source: any AccountSource
    let clock: any Clock<Duration>
    let logger: Logger
    /// Pauses before each further try: about 30 s in all, longer than any busy spell worth waiting out.
    var pauses: [Duration] = [.milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(4),
                              .seconds(8), .seconds(15)]
    private let jobs: AsyncStream<Job>
    private let continuation: AsyncStream<Job>.Continuation

    /// Retries through `source`, pausing on `clock`.
    init(source: any AccountSource, clock: any Clock<Duration>, logger: Logger) {
        self.source = source
        self.clock = clock
        self.logger = logger
        (jobs, continuation) = AsyncStream<Job>.makeStream()
    }

    /// Queues a request's writes for retrying.
    func enqueue(_ job: Job) {
        if case .terminated = continuation.yield(job) { Self.lost(job, logger: logger) }
    }

    /// Retries every queued job until the group shuts down and the queue is drained.
    func run() async {
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                for await job in jobs {
                    group.addTask { await retry(job) }
                }
            }
        } onGracefulShutdown: {
            continuation.finish()
        }
    }

    /// Tries until the write lands or the pauses are spent; when cancelled (the proxy stops), one last try at once.
    func retry(_ job: Job) async {
        for pause in pauses {
            let cancelled = (try? await clock.sleep(for: pause)) == nil
            do {
                try source.record(job.effects, decisions: [job.record], now: job.now)
                logger.info("recorded the request after a retry", metadata: ["rotor.request-id": "\(job.record.requestID)"])
                return
            } catch {
                logger.warning("cannot record the request yet", metadata: [
                    "rotor.request-id": "\(job.record.requestID)", "rotor.error": "\(error)"])
            }
            if cancelled { break }
        }
        Self.lost(job, logger: logger)
    }

    private static func lost(_ job: Job, logger: Logger) {
        logger.error("gave up recording the request: its decision row and account bookkeeping are lost", metadata: [
            "rotor.request-id": "\(job.record.requestID)", "rotor.outcome": "\(job.record.outcome.rawValue)"])
    }
}
