import Logging
import Metrics
import ServiceLifecycle
import EventModel
import EventSync

/// Syncs with each of `peers` on its own ``SyncSchedule``, until the service is stopped: what
/// `sync --every` runs, and `serve --sync-with` beside its server.
///
/// Each peer has its own task, so a peer that is down or slow never delays the others. One log
/// line per round (`peer`, `sync`, `events.received`, `events.sent`, as `serve` logs a sync), and
/// through the swift-metrics API: `myolog_sync_rounds_total{peer}`,
/// `myolog_sync_round_failures_total{peer}`, `myolog_sync_lag_seconds{peer}` (since the peer's
/// last successful round began; -1 until one succeeds) and `myolog_sync_round_duration_seconds{peer}`.
///
/// A graceful shutdown (SIGTERM, SIGINT) cancels every task: a waiting one ends at once, a
/// round in flight ends between whole batches (LogExchange checks for cancellation), so what it
/// committed stays and the next start resumes from the stored heads.
public struct ScheduledSync: Service {
    /// What one round moved, as the caller's sync reports it.
    public struct Round: Sendable {
        public var peer: PeerSummary
        /// The sync's id, as the peer's server logs it (over a path: one made for the log line).
        public var syncID: String
        public var received: Int
        public var sent: Int
        public var forks: Int

        public init(peer: PeerSummary, syncID: String, received: Int, sent: Int, forks: Int) {
            (self.peer, self.syncID, self.received, self.sent, self.forks) = (peer, syncID, received, sent, forks)
        }
    }

    /// A round that ran over its limit.
    public struct RoundOverrun: Error, CustomStringConvertible {
        public var limit: Duration
        public var description: String { "the round ran over its limit of \(limit) and was stopped between batches (what it committed stays)" }
    }

    public let peers: [String]
    public let schedule: SyncSchedule
    public let logger: Logger
    /// Runs one sync with a peer (as given in `peers`), telling `witness` of each rollback it
    /// sees the moment it does; throws why it failed.
    let round: @Sendable (_ peer: String, _ witness: @escaping @Sendable (PeerRollback) -> Void) async throws -> Round
    /// Told each round's end (for tests and for recording outside the round itself).
    let ended: @Sendable (_ peer: String, _ outcome: Result<Round, any Error>) async -> Void

    public init(peers: [String], schedule: SyncSchedule, logger: Logger,
                round: @escaping @Sendable (_ peer: String, _ witness: @escaping @Sendable (PeerRollback) -> Void) async throws -> Round,
                ended: @escaping @Sendable (_ peer: String, _ outcome: Result<Round, any Error>) async -> Void = { _, _ in }) {
        (self.peers, self.schedule, self.logger, self.round, self.ended) = (peers, schedule, logger, round, ended)
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                for peer in peers { group.addTask { await self.follow(peer) } }
            }
        }
    }

    /// Runs the rounds — and `metrics`, if given, on its own port — until SIGTERM or SIGINT
    /// (`sync --every`). Throws ``SyncServer/ListenFailure`` when the metrics address cannot be bound.
    public func runUntilStopped(metrics: MetricsEndpoint?, onMetricsListening: @escaping @Sendable (_ port: Int) async -> Void = { _ in }) async throws {
        var services: [any Service] = [self]
        if let metrics { services.append(metrics.service(beside: logger, onListening: onMetricsListening)) }
        let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch let error as ServiceGroupError {
            throw SyncServer.ListenFailure(host: metrics?.host ?? "", port: metrics?.port ?? 0, reason: "\(error)")
        }
    }

    /// One peer's rounds, until cancelled.
    private func follow(_ peer: String) async {
        var random = SystemRandomNumberGenerator()
        var failures = 0
        var lastSuccess: ContinuousClock.Instant?
        let lag = Gauge(label: "myolog_sync_lag_seconds", dimensions: [("peer", peer)])
        lag.record(-1)
        // Present from the start at 0, so an alert on failures has a series to watch.
        Counter(label: "myolog_sync_round_failures_total", dimensions: [("peer", peer)]).increment(by: 0)
        do {
            try await Task.sleep(for: schedule.firstDelay(using: &random))
            while !Task.isCancelled {
                let started = ContinuousClock.now
                let logger = self.logger
                let outcome = await bounded {
                    try await round(peer) { rollback in
                        logger.warning("rollback: node \(rollback.node) (\(rollback.site)) held its own chain only up to sequence \(rollback.theirSequence), the other store up to \(rollback.heldSequence): its store was put back to an older copy, and what it recorded since without syncing is lost",
                                       metadata: ["address": "\(peer)", "peer": "\(rollback.node)"])
                    }
                }
                if Task.isCancelled, case .failure = outcome { break }  // stopped mid-round: not a failure of the peer
                let took = ContinuousClock.now - started
                Counter(label: "myolog_sync_rounds_total", dimensions: [("peer", peer)]).increment()
                Metrics.Timer(label: "myolog_sync_round_duration_seconds", dimensions: [("peer", peer)]).recordInterval(took)
                switch outcome {
                case .success(let done):
                    failures = 0
                    lastSuccess = started
                    logger.info("sync round with \(done.peer.site) (node \(done.peer.node)): received \(done.received), sent \(done.sent) in \(Self.milliseconds(took)) ms",
                                metadata: ["peer": "\(done.peer.node)", "address": "\(peer)", "sync": "\(done.syncID)",
                                           "events.received": "\(done.received)", "events.sent": "\(done.sent)"])
                    if done.forks > 0 { logger.error("sync round with \(peer): \(done.forks) open fork(s); see `myolog forks`", metadata: ["address": "\(peer)"]) }
                case .failure(let error):
                    failures += 1
                    Counter(label: "myolog_sync_round_failures_total", dimensions: [("peer", peer)]).increment()
                    logger.warning("sync round with \(peer) failed (\(failures) in a row): \(VisibleText.escaped("\(error)"))",
                                   metadata: ["address": "\(peer)", "failures": "\(failures)"])
                }
                await ended(peer, outcome)
                if let lastSuccess { lag.record(Double((ContinuousClock.now - lastSuccess).components.seconds)) }
                try await Task.sleep(for: schedule.delay(afterFailures: failures, using: &random))
            }
        } catch {
            // Cancelled while waiting: the service is stopping.
        }
    }

    /// Runs `body` for at most the schedule's round limit; past it, cancels it and waits for it
    /// to stop between batches.
    private func bounded(_ body: @escaping @Sendable () async throws -> Round) async -> Result<Round, any Error> {
        let limit = schedule.roundLimit
        return await withTaskGroup(of: Result<Round, any Error>?.self) { group in
            group.addTask {
                do { return .success(try await body()) } catch { return .failure(error) }
            }
            group.addTask {
                do { try await Task.sleep(for: limit) } catch { return nil }
                return .failure(RoundOverrun(limit: limit))
            }
            let first = await group.next()!
            group.cancelAll()
            // The round's own end, once it stopped (cancelled between batches), is not waited
            // on for its result: an overrun is reported as such.
            var result = first
            while let next = await group.next() { if result == nil { result = next } }
            return result ?? .failure(CancellationError())
        }
    }

    static func milliseconds(_ duration: Duration) -> Int {
        Int(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
    }
}
