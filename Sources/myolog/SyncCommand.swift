import ArgumentParser
import ClinicalEvents
import EventLog
import Foundation
import Projections
import SyncHTTP

struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Exchange events with another trusted store: a directory, or a server at https://HOST:PORT.",
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

            Examples:
              myolog sync /media/usb/clinic-laptop
              myolog sync https://fitzroy.clinic.lan:8417
              myolog --store ~/myolog sync /srv/share/brunswick --json
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The other store: its directory, or https://HOST:PORT of its `myolog serve`.", valueName: "peer"))
    var peer: String
    @Option(name: .customLong("batch-size"), help: "Events per request and transaction (1–10,000).") var batchSize = 1000

    func validate() throws {
        guard (1...SyncAPI.maximumBatch).contains(batchSize) else {
            throw ValidationError("batch-size: \(batchSize) is not accepted; accepted: 1 to \(SyncAPI.maximumBatch)")
        }
    }

    func run() async throws {
        let user = try global.requireReader()
        let local = try global.openStore()
        let (report, openForks) = try await SyncReportPrinter(json: global.json).run(local) { try await exchange(local, by: user) }
        if report.peer.node == local.identity.nodeID {
            FileHandle.standardError.write(Data("myolog: error: peer: \(peer) has this store's own node id \(local.identity.nodeID): one of the two is a copy (cp -r, a restored backup); two stores must never share a node key — re-create one with `myolog init`\n".utf8))
            throw ExitCode(3)
        }
        if !openForks.isEmpty { throw ExitCode(3) }
    }

    /// Syncs, then records what this store disclosed to the peer (the patients whose events it
    /// sent) — and, with a peer directory, what the peer's store disclosed to this one, in that
    /// store's own log. A server peer records its side itself (`myolog serve`).
    private func recordDisclosure(of patients: Set<PatientID>, to peer: NodeID, in store: EventStore, by user: String) throws {
        guard !patients.isEmpty else { return }
        try global.record(RecordAccessed(action: .disclosure, command: "sync", patients: Array(patients), purpose: global.purpose, peer: peer), in: store, by: user)
    }

    private func exchange(_ local: EventStore, by user: String) async throws -> LogExchange.Report {
        let report: LogExchange.Report
        if peer.lowercased().hasPrefix("http://") || peer.lowercased().hasPrefix("https://") {
            report = try await HTTPLogPeer.withConnection(to: peer, as: NodeCertificate(identity: local.identity), trusting: local.accepts) { remote in
                try await LogExchange.sync(local, with: remote, batchSize: batchSize)
            }
        } else {
            // The same rule as HTTPS: both stores must trust each other — this one first.
            let other = try PeerDirectory.open(peer, besides: local, field: "peer",
                                               wanted: "the directory of another clinic machine's store, or https://HOST:PORT")
            report = try await LogExchange.sync(local, with: other, batchSize: batchSize)
            try recordDisclosure(of: report.patientsReceived, to: local.identity.nodeID, in: other, by: user)
        }
        try recordDisclosure(of: report.patientsSent, to: report.peer.node, in: local, by: user)
        return report
    }
}
