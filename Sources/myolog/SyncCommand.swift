import ArgumentParser
import ClinicalEvents
import EventLog
import Foundation
import ClinicalFold
import Projections
import Logging
import SyncHTTP
import EventModel
import EventSync

struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Exchange events with another trusted store (a directory, or a server at https://HOST:PORT), once or --every DURATION.",
        discussion: """
            Both stores end with each other's events: they exchange the heads of their chains and
            each sends exactly what the other lacks, per origin in sequence order, relaying events
            of third sites too. Every event is checked (hash, chain link, sequence, enrolment)
            before it is stored, in batches that each commit with their views: an interrupted sync
            resumes where it stopped, and a finished one run again moves nothing.

            Only between nodes that trust each other (`myolog peer add`), over a path as over
            HTTPS (mutual TLS, each side's certificate pinned by node id; plain http:// is
            refused). An event is applied only if its origin is trusted here and its origin's
            signature covers it; events of origins not yet trusted wait (see `myolog peer list`).

            Two stores holding different events at the same place of one origin's chain (a cloned
            store, a restored backup, an altered copy) are a fork: each side's event there is put in
            the other's quarantine, that origin moves no further, and sync exits with status 3
            naming the origin and sequence — now and on every later sync — until an operator
            records a decision with `myolog forks decide`. Other origins still sync.

            Prints the events received and sent per origin node and the field conflicts the sync
            created (concurrent edits of one field; see `myolog conflicts`).

            With --every DURATION it runs until SIGTERM or SIGINT, syncing with each peer on its
            own schedule: a round every DURATION after a success, backing off exponentially after
            failures (capped at 32 intervals or 15 minutes), each delay spread by ±10 %, each round
            stopped between batches past --round-limit. A peer that is down never delays the
            others. One log line per round on stderr; --metrics serves the rounds, failures and
            lag per peer. One scheduler per store (a second one refuses); `myolog status` shows
            each peer's last success and failure.

            Examples:
              myolog sync /media/usb/clinic-laptop
              myolog sync https://fitzroy.clinic.lan:8417
              myolog --store ~/myolog sync /srv/share/brunswick --json
              myolog sync --every 60s https://carlton.clinic.lan:8417 https://fitzroy.clinic.lan:8417
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The other store: its directory, or https://HOST:PORT of its `myolog serve` (several with --every).", valueName: "peer"),
              transform: PeerAddress.parser(for: "peer"))
    var peers: [PeerAddress]
    @Option(name: .customLong("batch-size"), help: "Events per request and transaction (1–10,000).") var batchSize = 1000
    @Option(help: ArgumentHelp("Sync again every DURATION (at least 1s: 90s, 5m, 1h), each peer on its own, until SIGTERM or SIGINT.", valueName: "duration"),
            transform: SyncInterval.parser(for: "every"))
    var every: SyncInterval?
    @Option(name: .customLong("round-limit"), help: ArgumentHelp("With --every: the longest one round may run (default 10m).", valueName: "duration"),
            transform: SyncInterval.parser(for: "round-limit"))
    var roundLimit: SyncInterval?
    @Option(help: ArgumentHelp("With --every: serve Prometheus metrics at http://HOST:PORT/metrics (a loopback address).", valueName: "host:port"),
            transform: ListenAddress.parser(for: "metrics"))
    var metrics: ListenAddress?
    @Option(help: ArgumentHelp("With --every: the least severe log lines written to stderr.", valueName: "level")) var logLevel = Logger.Level.info

    func validate() throws {
        guard (1...SyncAPI.maximumBatch).contains(batchSize) else {
            throw ValidationError("batch-size: \(batchSize) is not accepted; accepted: 1 to \(SyncAPI.maximumBatch)")
        }
        if every == nil {
            guard peers.count == 1 else {
                throw ValidationError("peer: \(peers.count) peers given; accepted: one peer, or several with --every DURATION")
            }
            if roundLimit != nil { throw ValidationError("round-limit: accepted only with --every") }
            if metrics != nil { throw ValidationError("metrics: accepted only with --every (a one-off sync has nothing to serve)") }
        }
        // A one-off sync has one peer, and refuses http:// itself with its reason.
        if every != nil { try PeerAddress.checkScheduled(peers, field: "peer") }
        if let metrics, !MetricsEndpoint.isLoopback(metrics.host) {
            throw ValidationError("metrics: \(metrics) is not accepted; accepted: a loopback address (127.0.0.1, ::1 or localhost) and a port, e.g. 127.0.0.1:9417")
        }
    }

    func run() async throws {
        let user = try global.requireReader()
        let local = try global.openStore()
        try global.require(.syncRecords, in: local)
        let exchange = PeerExchange(local: local, global: global, user: user, batchSize: batchSize, command: "sync")
        if let every {
            try await Self.runScheduled(exchange, peers: peers, every: every, roundLimit: roundLimit, metrics: metrics, logLevel: logLevel)
            return
        }
        let peer = peers[0]
        let (report, openForks) = try await SyncReportPrinter(json: global.json).run(local) {
            try await exchange.run(with: peer) { SyncReportPrinter.warn($0) }.report
        }
        if report.peer.node == local.identity.nodeID {
            FileHandle.standardError.write(Data("myolog: error: \(PeerExchange.copyOfThisStore(peer, node: local.identity.nodeID))\n".utf8))
            throw ExitCode(3)
        }
        if !openForks.isEmpty { throw ExitCode(3) }
    }

    /// `--every`: the rounds as a service (``ScheduledSync``), under the store's schedule lock,
    /// logging to stderr; returns when SIGTERM or SIGINT has stopped them.
    static func runScheduled(_ exchange: PeerExchange, peers: [PeerAddress], every: SyncInterval, roundLimit: SyncInterval?,
                             metrics: ListenAddress?, logLevel: Logger.Level) async throws {
        let lock = try ScheduleLock(exchange.local.directory)
        defer { withExtendedLifetime(lock) {} }
        let logger = ServeCommand.bootstrapLogging(label: "myolog.sync", level: logLevel)
        let schedule = SyncSchedule(interval: every.duration, roundLimit: roundLimit?.duration)
        let service = ScheduledSync(peers: peers.map(\.text), schedule: schedule, logger: logger) { text, witness in
            try await exchange.round(with: PeerAddress(text: text), announce: witness)
        }
        var out = StandardOutput()
        out.write("Syncing every \(every) with \(peers.map(\.description).joined(separator: ", ")) — \(exchange.local.identity.site) (node \(exchange.local.identity.nodeID)); SIGTERM or SIGINT stops\n")
        out.flush()
        let endpoint = metrics.map { MetricsEndpoint.bootstrap(host: $0.host, port: $0.port) }
        do {
            try await service.runUntilStopped(metrics: endpoint) { bound in
                var out = StandardOutput()
                out.write("Metrics on http://\(endpoint?.host ?? ""):\(bound)/metrics\n")
                out.flush()
            }
        } catch let failure as SyncServer.ListenFailure {
            throw CommandFailure("metrics: \(failure)")
        }
    }
}
