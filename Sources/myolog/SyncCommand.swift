import ArgumentParser
import ClinicalEvents
import EventLog
import Foundation
import ClinicalFold
import Projections
import SyncHTTP
import EventModel
import EventSync

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
        try global.require(.syncRecords, in: local)
        let address = Self.address(of: peer)
        let report: LogExchange.Report, openForks: [ForkEvidence]
        do {
            (report, openForks) = try await SyncReportPrinter(json: global.json).run(local) { try await exchange(local, by: user) }
        } catch {
            // A failure is kept for `status` (the sync's own error still says why, below).
            try? local.recordSyncFailed(address: address, peer: nil, reason: "\(error)")
            throw error
        }
        try? local.recordSyncSucceeded(address: address, peer: report.peer, witnessed: try local.read { try $0.head(of: report.peer.node) },
                                       rollbacks: report.rollbacks)
        if report.peer.node == local.identity.nodeID {
            FileHandle.standardError.write(Data("myolog: error: peer: \(peer) has this store's own node id \(local.identity.nodeID): one of the two is a copy (cp -r, a restored backup); two stores must never share a node key — re-create one with `myolog init`\n".utf8))
            throw ExitCode(3)
        }
        if !openForks.isEmpty { throw ExitCode(3) }
    }

    /// The peer as `status` lists it: a directory by its absolute path (so `../b` and `/srv/b`
    /// are one peer), a server by its URL as given.
    static func address(of peer: String) -> String {
        if peer.lowercased().hasPrefix("http://") || peer.lowercased().hasPrefix("https://") { return peer }
        return URL(fileURLWithPath: peer).standardizedFileURL.path
    }

    /// Records, in `store`'s log, that it is about to make `patients` readable at `peer`: called
    /// by the exchange before each batch or key leaves (``LogExchange/Disclosures``), so a sync
    /// killed at any instant has recorded everything the peer can read.
    static func recorder(_ store: EventStore, command: String, purpose: RecordAccessed.Purpose,
                         by user: String) -> @Sendable (_ peer: NodeID, _ patients: [PatientID]) async throws -> Void {
        { peer, patients in
            do {
                _ = try store.append([RecordAccessed(action: .disclosure, command: command, patients: patients, purpose: purpose, peer: peer).newEvent], author: user)
            } catch {
                throw CommandFailure("audit: the disclosure to node \(peer) could not be recorded, so nothing more is sent: \(error)")
            }
        }
    }

    /// Syncs; each side records what it discloses before it leaves: this store what it sends,
    /// and — with a peer directory — the peer's store what it sends here, in its own log. A
    /// server peer records its side itself (`myolog serve`), per response.
    private func exchange(_ local: EventStore, by user: String) async throws -> LogExchange.Report {
        if peer.lowercased().hasPrefix("http://") || peer.lowercased().hasPrefix("https://") {
            return try await HTTPLogPeer.withConnection(to: peer, as: NodeCertificate(identity: local.identity), trusting: local.accepts) { remote in
                let disclosures = LogExchange.Disclosures(byLocal: Self.recorder(local, command: "sync", purpose: global.purpose, by: user), byPeer: nil)
                return try await LogExchange.sync(local, with: remote, batchSize: batchSize, disclosures: disclosures)
            }
        }
        // The same rule as HTTPS: both stores must trust each other — this one first.
        let other = try PeerDirectory.open(peer, besides: local, field: "peer",
                                           wanted: "the directory of another clinic machine's store, or https://HOST:PORT", global: global)
        let disclosures = LogExchange.Disclosures(
            byLocal: Self.recorder(local, command: "sync", purpose: global.purpose, by: user),
            byPeer: Self.recorder(other, command: "sync", purpose: global.purpose, by: user))
        let report = try await LogExchange.sync(local, with: other, batchSize: batchSize, disclosures: disclosures)
        // The other store learns of a rollback as this one does (a served store learns it from
        // the request that reveals it, SyncServer).
        try? other.recordRollbacks(report.rollbacks, address: local.directory.standardizedFileURL.path)
        return report
    }
}
