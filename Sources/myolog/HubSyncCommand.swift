import ArgumentParser
import ChainHub
import ClinicalEvents
import EventLog
import Foundation
import SyncHTTP
import EventModel
import EventSync

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
        try global.require(.syncRecords, in: store)
        let dialling = site.lowercased().hasPrefix("https://") || site.lowercased().hasPrefix("http://")
        // The same rule as `sync`: both must trust each other — the hub first (a server's node is
        // checked at the TLS handshake). The database is opened before the site is dialled: a
        // wrong password costs no TLS session.
        let siteStore = dialling ? nil : try PeerDirectory.open(site, besides: store, field: "site",
                                                                 wanted: "the directory of a clinic machine's store, or https://HOST:PORT of its `myolog serve`", global: global)
        let hub = try await Hub.open(store: store, server: try server.resolved(store: store.directory, environment: global.environment))
        let moves: Moves
        do {
            if let siteStore {
                moves = try await sync(hub, withDirectory: siteStore, store: store, by: user)
            } else {
                moves = try await sync(hub, withServer: store, by: user)
            }
            // The disclosure records just written reach PostgreSQL with the hub's own chain.
            try await hub.catchUpOwnChain()
            await hub.close()
        } catch {
            await hub.close()
            throw error
        }
        print(Self.describe(moves, json: global.json))
        if !moves.forks.isEmpty { throw ExitCode(3) }
    }

    /// The hub dials the site's `myolog serve` (mutual TLS with the hub's node certificate, each
    /// side refusing a node it does not trust): the hub is the near side; the site's server
    /// records what it disclosed.
    private func sync(_ hub: Hub, withServer store: EventStore, by user: String) async throws -> Moves {
        let report = try await HTTPLogPeer.withConnection(to: site, as: NodeCertificate(identity: store.identity), trusting: store.accepts) { remote in
            let disclosures = LogExchange.Disclosures(byLocal: PeerExchange.recorder(store, command: "hub sync", purpose: global.purpose, by: user), byPeer: nil)
            return try await LogExchange.sync(hub, with: remote, batchSize: min(batchSize, SyncAPI.maximumBatch), directions: collect ? .pull : .both,
                                              disclosures: disclosures)
        }
        return Moves(hubReceived: report.received, hubSent: report.sent, keysReceived: report.keysReceived, keysSent: report.keysSent,
                     heldBack: report.heldBack, forks: report.forks, awaitingTrust: report.awaitingTrust, site: report.peer.node, name: report.peer.site)
    }

    /// The site's store directory is the near side; each side records what it disclosed.
    private func sync(_ hub: Hub, withDirectory siteStore: EventStore, store: EventStore, by user: String) async throws -> Moves {
        // The site is the near side: what it sends, it records in its log; what the hub sends,
        // the hub records in its own (its store directory; PostgreSQL gets it with the hub's chain).
        let disclosures = LogExchange.Disclosures(
            byLocal: PeerExchange.recorder(siteStore, command: "hub sync", purpose: global.purpose, by: user),
            byPeer: PeerExchange.recorder(store, command: "hub sync", purpose: global.purpose, by: user))
        let report = try await LogExchange.sync(siteStore, with: hub, batchSize: batchSize, directions: collect ? .push : .both, disclosures: disclosures)
        // What the site sent, the hub received.
        return Moves(hubReceived: report.sent, hubSent: report.received, keysReceived: report.keysSent, keysSent: report.keysReceived,
                     heldBack: report.heldBack, forks: report.forks, awaitingTrust: report.awaitingTrust, site: siteStore.identity.nodeID, name: siteStore.identity.site)
    }

    /// What a sync moved, from the hub's side, and with which site.
    struct Moves {
        var hubReceived: LogExchange.Moved, hubSent: LogExchange.Moved
        var keysReceived: Int, keysSent: Int, heldBack: Int
        var forks: [ChainPlace]
        var awaitingTrust: LogExchange.Moved
        var site: NodeID, name: String
    }

    /// From the hub's side: what it received from the site and sent to it.
    static func describe(_ moves: Moves, json: Bool) -> String {
        func counts(_ moved: LogExchange.Moved) -> JSONValue { .object(Dictionary(uniqueKeysWithValues: moved.map { ($0.key.rawValue, JSONValue.int($0.value)) })) }
        let received = moves.hubReceived.values.reduce(0, +), sent = moves.hubSent.values.reduce(0, +)
        if json {
            return JSONValue.object([
                "site": .object(["node": .string(moves.site.rawValue), "site": .string(moves.name)]),
                "hubReceived": counts(moves.hubReceived), "hubSent": counts(moves.hubSent),
                "keysReceived": .int(moves.keysReceived), "keysSent": .int(moves.keysSent), "heldBack": .int(moves.heldBack),
                "forks": .array(moves.forks.map { .object(["origin": .string($0.origin.rawValue), "sequence": .int($0.sequence)]) }),
                "awaitingTrust": counts(moves.awaitingTrust),
            ]).canonicalString
        }
        var lines = ["Synced hub with \(moves.name) (node \(moves.site)): hub received \(received) event\(received == 1 ? "" : "s"), sent \(sent)"]
        if !moves.forks.isEmpty { lines.append("Forks (quarantined, those origins moved no further): " + moves.forks.map(\.description).joined(separator: "; ")) }
        if moves.heldBack > 0 { lines.append("\(moves.heldBack) event(s) held back until the events before them arrive") }
        if !moves.awaitingTrust.isEmpty { lines.append("Awaiting trust (`myolog peer add`): " + moves.awaitingTrust.keys.map(\.rawValue).sorted().joined(separator: ", ")) }
        return lines.joined(separator: "\n")
    }
}
