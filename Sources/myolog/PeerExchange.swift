import ClinicalEvents
import EventLog
import EventModel
import EventSync
import Foundation
import SyncHTTP

/// One sync of this store with one peer, as `sync` runs it once and `sync --every` /
/// `serve --sync-with` run it on a schedule: the same trust rule, the same disclosures recorded
/// before anything leaves, the same record of the outcome and of rollbacks for `status`.
struct PeerExchange: Sendable {
    var local: EventStore
    var global: GlobalOptions
    var user: String
    var batchSize: Int
    /// The command the disclosure records name.
    var command: String

    /// Syncs with `peer`, recording the outcome in the sync record (failures too: `status` shows
    /// why), and each rollback the moment it is seen — so a sync stopped or failing after it
    /// still leaves it recorded; `announce` is told of each new one. Returns the report and the
    /// sync's id.
    func run(with peer: PeerAddress, announce: @escaping @Sendable (PeerRollback) -> Void) async throws -> (report: LogExchange.Report, syncID: String) {
        do {
            let (report, syncID) = try await exchange(with: peer, announce: announce)
            try? local.recordSyncSucceeded(address: peer.recorded, peer: report.peer, witnessed: try local.read { try $0.head(of: report.peer.node) })
            return (report, syncID)
        } catch {
            let reason = Task.isCancelled || error is CancellationError
                ? "stopped between batches (the round's time limit, or the service stopping); what it committed stays" : "\(error)"
            try? local.recordSyncFailed(address: peer.recorded, reason: reason)
            throw error
        }
    }

    /// One scheduled round (``ScheduledSync``). A peer that is a copy of this very store fails
    /// the round, as a one-off `sync` exits 3 for it.
    func round(with peer: PeerAddress, announce: @escaping @Sendable (PeerRollback) -> Void) async throws -> ScheduledSync.Round {
        let (report, syncID) = try await run(with: peer, announce: announce)
        guard report.peer.node != local.identity.nodeID else { throw CommandFailure(Self.copyOfThisStore(peer, node: local.identity.nodeID)) }
        let forks = try local.read { try $0.forks() }.filter(\.isOpen).count
        return ScheduledSync.Round(peer: report.peer, syncID: syncID, received: report.received.values.reduce(0, +),
                                   sent: report.sent.values.reduce(0, +), forks: forks)
    }

    static func copyOfThisStore(_ peer: PeerAddress, node: NodeID) -> String {
        "peer: \(peer) has this store's own node id \(node): one of the two is a copy (cp -r, a restored backup); two stores must never share a node key — re-create one with `myolog init`"
    }

    /// Syncs; each side records what it discloses before it leaves: this store what it sends,
    /// and — with a peer directory — the peer's store what it sends here, in its own log. A
    /// server peer records its side itself (`myolog serve`), per response, and sees rollbacks
    /// itself (SyncServer); a peer directory records them as this store does.
    private func exchange(with peer: PeerAddress, announce: @escaping @Sendable (PeerRollback) -> Void) async throws -> (LogExchange.Report, String) {
        let byLocal = Self.recorder(local, command: command, purpose: global.purpose, by: user)
        let local = self.local
        /// Records each rollback here — and at `other`, the peer store of a path sync — and
        /// announces the ones new here.
        func witness(alsoAt other: EventStore?) -> @Sendable (PeerRollback) async -> Void {
            { rollback in
                _ = try? other?.recordRollbacks([rollback], address: local.directory.standardizedFileURL.path)
                if (try? local.recordRollbacks([rollback], address: peer.recorded)) ?? 0 > 0 { announce(rollback) }
            }
        }
        if peer.isServer {
            let witness = witness(alsoAt: nil)
            return try await HTTPLogPeer.withConnection(to: peer.text, as: NodeCertificate(identity: local.identity), trusting: local.accepts) { remote in
                let report = try await LogExchange.sync(local, with: remote, batchSize: batchSize,
                                                        disclosures: LogExchange.Disclosures(byLocal: byLocal, byPeer: nil), witness: witness)
                return (report, remote.syncID)
            }
        }
        // The same rule as HTTPS: both stores must trust each other — this one first.
        let other = try PeerDirectory.open(peer.text, besides: local, field: "peer",
                                           wanted: "the directory of another clinic machine's store, or https://HOST:PORT", global: global)
        let disclosures = LogExchange.Disclosures(byLocal: byLocal, byPeer: Self.recorder(other, command: command, purpose: global.purpose, by: user))
        let report = try await LogExchange.sync(local, with: other, batchSize: batchSize, disclosures: disclosures, witness: witness(alsoAt: other))
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
