import ArgumentParser
import ClinicalEvents
import EventLog
import Foundation
import Logging
import SyncHTTP
import EventSync

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve this store to trusted peers' `myolog sync https://HOST:PORT` until interrupted.",
        discussion: """
            The sync API (Schemas/sync-api.openapi.json) over HTTPS with mutual TLS only: each side
            presents a self-signed certificate for its node key, and each admits only nodes in its
            own trust list (`myolog peer add`); there is no plain-HTTP listener. Peers read this
            store's chain heads and the events they lack, and offer theirs, in bounded batches each
            checked and committed whole. Requests per peer are rate-limited; idle connections close
            after 30 s. One log line per sync on stderr (with structured metadata: peer, sync id,
            events), and one per refused client. Prints "Listening on https://HOST:PORT" once bound
            (with --listen HOST:0, the port the system chose). SIGINT or SIGTERM stop it gracefully:
            no new connections, the requests in flight finish (a batch commits or rolls back
            whole), the store is closed, exit status 0.

            With --metrics, counters and request durations are served in the Prometheus text
            format at http://HOST:PORT/metrics, on a loopback address only: syncs, events received,
            sent and refused per origin, held back, quarantined, request latency by route.

            With --sync-with PEER… it also syncs with those peers on a schedule (--every, default
            60s), as `sync --every` does, in the same process and service: SIGTERM ends the rounds
            in flight between batches and the server as above. One scheduler per store.

            Examples:
              myolog serve
              myolog serve --listen 0.0.0.0:8417 --sync-with https://carlton.clinic.lan:8417 --every 60s
              myolog --store ~/clinic serve --listen 0.0.0.0:8417 --metrics 127.0.0.1:9417
              myolog serve --log-level debug
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("Address to listen on.", valueName: "host:port"), transform: ListenAddress.parser(for: "listen"))
    var listen = ListenAddress(host: "127.0.0.1", port: 8417)
    @Option(help: ArgumentHelp("Serve Prometheus metrics at http://HOST:PORT/metrics (a loopback address).", valueName: "host:port"),
            transform: ListenAddress.parser(for: "metrics"))
    var metrics: ListenAddress?
    @Option(help: ArgumentHelp("The least severe log lines written to stderr.", valueName: "level")) var logLevel = Logger.Level.info
    @Option(name: .customLong("sync-with"), parsing: .upToNextOption,
            help: ArgumentHelp("Also sync with these peers (directories or https://HOST:PORT) on a schedule, as `sync --every` does.", valueName: "peer"),
            transform: PeerAddress.parser(for: "sync-with"))
    var syncWith: [PeerAddress] = []
    @Option(help: ArgumentHelp("With --sync-with: how often (at least 1s: 90s, 5m, 1h; default 60s).", valueName: "duration"),
            transform: SyncInterval.parser(for: "every"))
    var every: SyncInterval?
    @Option(name: .customLong("round-limit"), help: ArgumentHelp("With --sync-with: the longest one round may run (default 10m).", valueName: "duration"),
            transform: SyncInterval.parser(for: "round-limit"))
    var roundLimit: SyncInterval?

    func validate() throws {
        if syncWith.isEmpty, every != nil || roundLimit != nil {
            throw ValidationError("\(every != nil ? "every" : "round-limit"): accepted only with --sync-with PEER")
        }
        try PeerAddress.checkScheduled(syncWith, field: "sync-with")
        if let metrics, !MetricsEndpoint.isLoopback(metrics.host) {
            throw ValidationError("metrics: \(metrics) is not accepted; accepted: a loopback address (127.0.0.1, ::1 or localhost) and a port, e.g. 127.0.0.1:9417")
        }
    }

    func run() async throws {
        let user = try global.requireReader()
        let store = try global.openStore(concurrentReads: true)
        try global.require(.syncRecords, in: store)
        let (host, port) = (listen.host, listen.port)
        // One scheduler per store, taken before listening: a second refuses without binding.
        let lock = syncWith.isEmpty ? nil : try ScheduleLock(store.directory)
        defer { withExtendedLifetime(lock) {} }
        let logger = Self.bootstrapLogging(label: "myolog.serve", level: logLevel)
        let purpose = global.purpose
        // Each response's disclosures, recorded before it is sent, under the operator who started serve.
        let server = try SyncServer(store: store, logger: logger) { peer, patients in
            _ = try store.append([RecordAccessed(action: .disclosure, command: "serve", patients: patients, purpose: purpose, peer: peer).newEvent], author: user)
        } rolledBack: { node, theirs, held in
            let site = try store.read { try $0.site(of: node) } ?? "?"
            return try store.recordRollbacks([PeerRollback(node: node, site: site, theirSequence: theirs, heldSequence: held)], address: "serve") > 0
        }
        var alongside: ScheduledSync?
        if !syncWith.isEmpty {
            let exchange = PeerExchange(local: store, global: global, user: user, batchSize: 1000, command: "serve --sync-with")
            var scheduled = Logger(label: "myolog.sync")
            scheduled.logLevel = logLevel
            alongside = ScheduledSync(peers: syncWith.map(\.text), schedule: SyncSchedule(interval: every?.duration ?? .seconds(60), roundLimit: roundLimit?.duration),
                                      logger: scheduled) { text, witness in try await exchange.round(with: PeerAddress(text: text), announce: witness) }
        }
        let site = store.identity.site, node = store.identity.nodeID
        do {
            let endpoint = metrics.map { MetricsEndpoint.bootstrap(host: $0.host, port: $0.port) }
            // Unbuffered: a script or test waiting for these lines must see them now.
            try await server.run(host: host, port: port, metrics: endpoint, alongside: alongside) { bound in
                var out = StandardOutput()
                out.write("Listening on https://\(host):\(bound) — \(site) (node \(node)), mutual TLS, trusted peers only\n")
                out.flush()
            } onMetricsListening: { bound in
                var out = StandardOutput()
                out.write("Metrics on http://\(endpoint?.host ?? ""):\(bound)/metrics\n")
                out.flush()
            }
        } catch let failure as SyncServer.ListenFailure {
            throw CommandFailure("listen: \(failure)")
        }
    }
}

extension ServeCommand {
    /// Log lines on stderr from `level` up, for the whole process (bootstrapped once).
    static func bootstrapLogging(label: String, level: Logger.Level) -> Logger {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        return Logger(label: label)
    }
}

/// `HOST:PORT` as `--listen` and `--metrics` take it (an IPv6 host in brackets: `[::1]:8417`),
/// parsed where ArgumentParser reads it.
struct ListenAddress: CustomStringConvertible, Sendable {
    var host: String
    var port: Int

    init(host: String, port: Int) {
        (self.host, self.port) = (host, port)
    }

    init?(argument: String) {
        guard let colon = argument.lastIndex(of: ":"), let port = Int(argument[argument.index(after: colon)...]), (0...65535).contains(port),
              !argument[..<colon].isEmpty
        else { return nil }
        self.init(host: String(argument[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]")), port: port)
    }

    /// Parses an option's value, refusing it in the project's one-line form.
    static func parser(for field: String) -> @Sendable (String) throws -> ListenAddress {
        { text in
            guard let address = ListenAddress(argument: text) else {
                throw ValidationError("\(field): \(text) is not accepted; accepted: HOST:PORT with a port from 0 to 65535, e.g. 127.0.0.1:8417")
            }
            return address
        }
    }

    var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
