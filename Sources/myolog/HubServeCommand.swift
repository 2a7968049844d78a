import ArgumentParser
import ChainHub
import ClinicalEvents
import EventLog
import Foundation
import Logging
import SyncHTTP

struct HubServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the hub's log to sites over HTTPS: they run their ordinary `myolog sync https://…` against it.",
        discussion: """
            The same sync API, mutual TLS and trust list as `myolog serve` (the hub's store
            directory holds its node certificate's key and its trust list); the log served and
            received into is the hub's PostgreSQL database, one transaction per batch. Syncs of
            several sites at once take turns on the hub's connection. What each site was sent is
            recorded as a disclosure in the hub's log.

            Examples:
              myolog --store /srv/hub --as hub.operator hub serve --listen 0.0.0.0:8417
              # at a site:  myolog sync https://hub.clinic.lan:8417
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var server: HubOptions
    @Option(help: ArgumentHelp("Address to listen on.", valueName: "host:port"), transform: ListenAddress.parser(for: "listen"))
    var listen = ListenAddress(host: "127.0.0.1", port: 8417)

    func run() async throws {
        let user = try global.requireReader()
        let store = try global.openStore(concurrentReads: true)
        try global.require(.syncRecords, in: store)
        let hub = try await Hub.open(store: store, server: try server.resolved(store: store.directory, environment: global.environment))
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .info
            return handler
        }
        let logger = Logger(label: "myolog.hub")
        let purpose = global.purpose
        let syncServer = try SyncServer(store: store, log: hub, logger: logger) { peer, patients in
            // Durable in the hub's store directory at once; copied into PostgreSQL with the hub's chain.
            _ = try store.append([RecordAccessed(action: .disclosure, command: "hub serve", patients: patients, purpose: purpose, peer: peer).newEvent], author: user)
            Task { try? await hub.catchUpOwnChain() }
        }
        let (host, site, node) = (listen.host, store.identity.site, store.identity.nodeID)
        do {
            try await syncServer.run(host: host, port: listen.port) { bound in
                var out = StandardOutput()
                out.write("Listening on https://\(host):\(bound) — hub \(site) (node \(node)), log in \(hub.server), mutual TLS, trusted peers only\n")
                out.flush()
            }
        } catch let failure as SyncServer.ListenFailure {
            await hub.close()
            throw CommandFailure("listen: \(failure)")
        }
        try? await hub.catchUpOwnChain()
        await hub.close()
    }
}
