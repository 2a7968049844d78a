import ArgumentParser
import ChainHub
import ClinicalEvents
import EventLog
import Foundation

struct HubSyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Sync the hub both ways with a site's store directory.",
        discussion: """
            The same protocol as `myolog sync`: heads compared, forks found and quarantined, each
            side sent exactly what it lacks in batches that each commit whole (on the hub: one
            PostgreSQL transaction per batch, views included), with the patient keys each side
            lacks sealed to it. The site must trust the hub's node and the hub the site's
            (`myolog peer add` on each).

            Examples:
              myolog --store /srv/hub hub sync /srv/fitzroy
              myolog --store /srv/hub --json hub sync /media/usb/brunswick
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var server: HubOptions
    @Argument(help: ArgumentHelp("The site's store directory.", valueName: "site")) var site: String
    /// 5,000 by default, not `sync`'s 1,000: a hub's transaction costs round trips to its server
    /// and a refold of the patients it touches, so fewer, larger batches move more per second.
    @Option(name: .customLong("batch-size"), help: "Events per transaction (1–10,000).") var batchSize = 5000

    func validate() throws {
        guard (1...10_000).contains(batchSize) else { throw ValidationError("batch-size: \(batchSize) is not accepted; accepted: 1 to 10000") }
    }

    func run() async throws {
        let user = try global.requireReader()
        let store = try global.openStore()
        guard !site.hasPrefix("https://"), !site.hasPrefix("http://") else {
            throw ValidationError("site: \(site) is not accepted; accepted: a site's store directory (syncing the hub with a server is not built yet: run `myolog sync` on that site against a directory copy)")
        }
        // The same rule as `sync`: both must trust each other — the hub first.
        let siteStore = try PeerDirectory.open(site, besides: store, field: "site", wanted: "the directory of a clinic machine's store")
        let hub = try await Hub.open(store: store, server: try server.connection(store: store.directory, environment: global.environment))
        do {
            let report = try await LogExchange.sync(siteStore, with: hub, batchSize: batchSize)
            // Each side records what it disclosed to the other (the hub's record reaches PostgreSQL with its chain).
            if !report.patientsSent.isEmpty {
                try global.record(RecordAccessed(action: .disclosure, command: "hub sync", patients: Array(report.patientsSent), purpose: global.purpose, peer: store.identity.nodeID), in: siteStore, by: user)
            }
            if !report.patientsReceived.isEmpty {
                try global.record(RecordAccessed(action: .disclosure, command: "hub sync", patients: Array(report.patientsReceived), purpose: global.purpose, peer: siteStore.identity.nodeID), in: store, by: user)
            }
            try await hub.catchUpOwnChain()
            await hub.close()
            print(Self.describe(report, site: siteStore, json: global.json))
            if !report.forks.isEmpty { throw ExitCode(3) }
        } catch {
            await hub.close()
            throw error
        }
    }

    /// From the hub's side: what it received from the site and sent to it.
    static func describe(_ report: LogExchange.Report, site: EventStore, json: Bool) -> String {
        func counts(_ moved: LogExchange.Moved) -> JSONValue { .object(Dictionary(uniqueKeysWithValues: moved.map { ($0.key.rawValue, JSONValue.int($0.value)) })) }
        let received = report.sent.values.reduce(0, +), sent = report.received.values.reduce(0, +)
        if json {
            return JSONValue.object([
                "site": .object(["node": .string(site.identity.nodeID.rawValue), "site": .string(site.identity.site)]),
                "hubReceived": counts(report.sent), "hubSent": counts(report.received),
                "keysReceived": .int(report.keysSent), "keysSent": .int(report.keysReceived), "heldBack": .int(report.heldBack),
                "forks": .array(report.forks.map { .object(["origin": .string($0.origin.rawValue), "sequence": .int($0.sequence)]) }),
                "awaitingTrust": counts(report.awaitingTrust),
            ]).canonicalString
        }
        var lines = ["Synced hub with \(site.identity.site) (node \(site.identity.nodeID)): hub received \(received) event\(received == 1 ? "" : "s"), sent \(sent)"]
        if !report.forks.isEmpty { lines.append("Forks (quarantined, those origins moved no further): " + report.forks.map(\.description).joined(separator: "; ")) }
        if report.heldBack > 0 { lines.append("\(report.heldBack) event(s) held back until the events before them arrive") }
        if !report.awaitingTrust.isEmpty { lines.append("Awaiting trust (`myolog peer add`): " + report.awaitingTrust.keys.map(\.rawValue).sorted().joined(separator: ", ")) }
        return lines.joined(separator: "\n")
    }
}
