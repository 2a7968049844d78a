import ClinicalEvents
import EventLog
import EventModel
import EventSync
import Foundation
import SyncHTTP

/// One sync of this store with one peer, as `sync` runs it once and `sync --every` /
/// `serve --sync-with` run it on a schedule: the same trust rule, the same disclosures recorded
/// before anything leaves, the same record of the outcome for `status`.
struct PeerExchange: Sendable {
    var local: EventStore
    var global: GlobalOptions
    var user: String
    var batchSize: Int
    /// The command the disclosure records name.
    var command: String

    /// Syncs with `peer`, recording the outcome in the sync record (failures too: `status` shows
    /// why). Returns the report and the sync's id.
    func run(with peer: PeerAddress) async throws -> (report: LogExchange.Report, syncID: String) {
        do {
            let (report, syncID) = try await exchange(with: peer)
            try? local.recordSyncSucceeded(address: peer.recorded, peer: report.peer, witnessed: try local.read { try $0.head(of: report.peer.node) },
                                           rollbacks: report.rollbacks)
            return (report, syncID)
        } catch {
            try? local.recordSyncFailed(address: peer.recorded, peer: nil, reason: "\(error)")
            throw error
        }
    }

    /// One scheduled round (``ScheduledSync``): the sync, then its warnings as one-line log text.
    func round(with peer: PeerAddress) async throws -> ScheduledSync.Round {
        let (report, syncID) = try await run(with: peer)
        let forks = try local.read { try $0.forks() }.filter(\.isOpen).count
        return ScheduledSync.Round(peer: report.peer, syncID: syncID, received: report.received.values.reduce(0, +),
                                   sent: report.sent.values.reduce(0, +), forks: forks, rollbacks: report.rollbacks)
    }

    /// Syncs; each side records what it discloses before it leaves: this store what it sends,
    /// and — with a peer directory — the peer's store what it sends here, in its own log. A
    /// server peer records its side itself (`myolog serve`), per response.
    private func exchange(with peer: PeerAddress) async throws -> (LogExchange.Report, String) {
        let byLocal = Self.recorder(local, command: command, purpose: global.purpose, by: user)
        if peer.isServer {
            return try await HTTPLogPeer.withConnection(to: peer.text, as: NodeCertificate(identity: local.identity), trusting: local.accepts) { remote in
                let report = try await LogExchange.sync(local, with: remote, batchSize: batchSize, disclosures: LogExchange.Disclosures(byLocal: byLocal, byPeer: nil))
                return (report, remote.syncID)
            }
        }
        // The same rule as HTTPS: both stores must trust each other — this one first.
        let other = try PeerDirectory.open(peer.text, besides: local, field: "peer",
                                           wanted: "the directory of another clinic machine's store, or https://HOST:PORT", global: global)
        let disclosures = LogExchange.Disclosures(byLocal: byLocal, byPeer: Self.recorder(other, command: command, purpose: global.purpose, by: user))
        let report = try await LogExchange.sync(local, with: other, batchSize: batchSize, disclosures: disclosures)
        // The other store learns of a rollback as this one does (a served store learns it from
        // the request that reveals it, SyncServer).
        _ = try? other.recordRollbacks(report.rollbacks, address: local.directory.standardizedFileURL.path)
        return (report, UUID().uuidString.lowercased())
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
}
