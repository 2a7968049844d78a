import ArgumentParser
import ChainHub
import ClinicalEvents
import EventLog
import Foundation
import SyncHTTP

struct HubSyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Sync the hub both ways with a site: its store directory, or its server at https://HOST:PORT.",
        discussion: """
            The same protocol as `myolog sync`: heads compared, forks found and quarantined, each
            side sent exactly what it lacks in batches that each commit whole (on the hub: one
            PostgreSQL transaction per batch, views included), with the patient keys each side
            lacks sealed to it. The site must trust the hub's node and the hub the site's
            (`myolog peer add` on each). Against a site's `myolog serve`, the hub presents its
            node certificate (mutual TLS) and batches are at most the server's 10,000 events.

            Examples:
              myolog --store /srv/hub hub sync /srv/fitzroy
              myolog --store /srv/hub hub sync https://fitzroy.clinic.lan:8417
              myolog --store /srv/hub hub sync --collect /srv/brunswick     # nothing sent to the site
              myolog --store /srv/hub --json hub sync /media/usb/brunswick
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var server: HubOptions
    @Argument(help: ArgumentHelp("The site's store directory, or https://HOST:PORT of its `myolog serve`.", valueName: "site")) var site: String
    /// 5,000 by default, not `sync`'s 1,000: a hub's transaction costs round trips to its server
    /// and a refold of the patients it touches, so fewer, larger batches move more per second.
    @Option(name: .customLong("batch-size"), help: "Events per transaction (1–10,000).") var batchSize = 5000
    /// Head office collecting: the site is sent nothing (not the chain's other sites' records,
    /// which it would only keep aside unread), so a collection costs the site's own delta.
    @Flag(help: "Only into the hub: the site's events and keys come in; the site is sent no record, only the hub's enrolment (its public keys, so the site can seal patient keys to it).") var collect = false

    func validate() throws {
        guard (1...10_000).contains(batchSize) else { throw ValidationError("batch-size: \(batchSize) is not accepted; accepted: 1 to 10000") }
    }

    func run() async throws {
        let user = try global.requireReader()
        let store = try global.openStore()
        if site.lowercased().hasPrefix("https://") || site.lowercased().hasPrefix("http://") {
            try await syncWithServer(store, by: user)
        } else {
            try await syncWithDirectory(store, by: user)
        }
    }

    /// The hub dials the site's `myolog serve`: mutual TLS with the hub's node certificate, each
    /// side refusing a node it does not trust; the site's server records what it disclosed.
    private func syncWithServer(_ store: EventStore, by user: String) async throws {
        // The hub's database is checked before the site is dialled: a wrong password costs no TLS session.
        let hub = try await Hub.open(store: store, server: try server.connection(store: store.directory, environment: global.environment))
        do {
            let report = try await HTTPLogPeer.withConnection(to: site, as: NodeCertificate(identity: store.identity), trusting: store.accepts) { remote in
                try await LogExchange.sync(hub, with: remote, batchSize: min(batchSize, SyncAPI.maximumBatch), directions: collect ? .pull : .both)
            }
            if !report.patientsSent.isEmpty {
                try global.record(RecordAccessed(action: .disclosure, command: "hub sync", patients: Array(report.patientsSent), purpose: global.purpose, peer: report.peer.node), in: store, by: user)
            }
            try await hub.catchUpOwnChain()
            await hub.close()
            print(Self.describe(Moves(hubReceived: report.received, hubSent: report.sent, keysReceived: report.keysReceived, keysSent: report.keysSent,
                                      heldBack: report.heldBack, forks: report.forks, awaitingTrust: report.awaitingTrust),
                                site: report.peer.node, name: report.peer.site, json: global.json))
            if !report.forks.isEmpty { throw ExitCode(3) }
        } catch {
            await hub.close()
            throw error
        }
    }

    /// The site's store directory, opened here: its log is the near side of the exchange.
    private func syncWithDirectory(_ store: EventStore, by user: String) async throws {
        // The same rule as `sync`: both must trust each other — the hub first.
        let siteStore = try PeerDirectory.open(site, besides: store, field: "site", wanted: "the directory of a clinic machine's store, or https://HOST:PORT of its `myolog serve`")
        let hub = try await Hub.open(store: store, server: try server.connection(store: store.directory, environment: global.environment))
        do {
            let report = try await LogExchange.sync(siteStore, with: hub, batchSize: batchSize, directions: collect ? .push : .both)
            // Each side records what it disclosed to the other (the hub's record reaches PostgreSQL with its chain).
            if !report.patientsSent.isEmpty {
                try global.record(RecordAccessed(action: .disclosure, command: "hub sync", patients: Array(report.patientsSent), purpose: global.purpose, peer: store.identity.nodeID), in: siteStore, by: user)
            }
            if !report.patientsReceived.isEmpty {
                try global.record(RecordAccessed(action: .disclosure, command: "hub sync", patients: Array(report.patientsReceived), purpose: global.purpose, peer: siteStore.identity.nodeID), in: store, by: user)
            }
            try await hub.catchUpOwnChain()
            await hub.close()
            // The site's store was the near side: what it sent, the hub received.
            print(Self.describe(Moves(hubReceived: report.sent, hubSent: report.received, keysReceived: report.keysSent, keysSent: report.keysReceived,
                                      heldBack: report.heldBack, forks: report.forks, awaitingTrust: report.awaitingTrust),
                                site: siteStore.identity.nodeID, name: siteStore.identity.site, json: global.json))
            if !report.forks.isEmpty { throw ExitCode(3) }
        } catch {
            await hub.close()
            throw error
        }
    }

    /// What a sync moved, from the hub's side.
    struct Moves {
        var hubReceived: LogExchange.Moved, hubSent: LogExchange.Moved
        var keysReceived: Int, keysSent: Int, heldBack: Int
        var forks: [ChainPlace]
        var awaitingTrust: LogExchange.Moved
    }

    /// From the hub's side: what it received from the site and sent to it.
    static func describe(_ moves: Moves, site: NodeID, name: String, json: Bool) -> String {
        func counts(_ moved: LogExchange.Moved) -> JSONValue { .object(Dictionary(uniqueKeysWithValues: moved.map { ($0.key.rawValue, JSONValue.int($0.value)) })) }
        let received = moves.hubReceived.values.reduce(0, +), sent = moves.hubSent.values.reduce(0, +)
        if json {
            return JSONValue.object([
                "site": .object(["node": .string(site.rawValue), "site": .string(name)]),
                "hubReceived": counts(moves.hubReceived), "hubSent": counts(moves.hubSent),
                "keysReceived": .int(moves.keysReceived), "keysSent": .int(moves.keysSent), "heldBack": .int(moves.heldBack),
                "forks": .array(moves.forks.map { .object(["origin": .string($0.origin.rawValue), "sequence": .int($0.sequence)]) }),
                "awaitingTrust": counts(moves.awaitingTrust),
            ]).canonicalString
        }
        var lines = ["Synced hub with \(name) (node \(site)): hub received \(received) event\(received == 1 ? "" : "s"), sent \(sent)"]
        if !moves.forks.isEmpty { lines.append("Forks (quarantined, those origins moved no further): " + moves.forks.map(\.description).joined(separator: "; ")) }
        if moves.heldBack > 0 { lines.append("\(moves.heldBack) event(s) held back until the events before them arrive") }
        if !moves.awaitingTrust.isEmpty { lines.append("Awaiting trust (`myolog peer add`): " + moves.awaitingTrust.keys.map(\.rawValue).sorted().joined(separator: ", ")) }
        return lines.joined(separator: "\n")
    }
}
