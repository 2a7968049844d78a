import EventLog
import EventModel
import EventSync
import Foundation
import Projections

/// What `status` says about one store, gathered once: this node, its peers and how the last
/// syncs with them went, what waits for a person here, the store's size and its last `verify`.
///
/// Counts and identifiers of machines only: no patient is named, so gathering it records no
/// access. Nothing is written to this store or to any peer.
struct SiteStatus {
    /// One peer: an address this store has synced with (`sync_peers`), or a node it trusts and
    /// has never synced with directly (its events may come through another peer).
    struct Peer {
        var address: String?
        var node: NodeID?
        /// The site the peer named at its last sync, else the trust list's name for it.
        var site: String?
        var trust: PeerTrust?
        var record: PeerSyncRecord?
        /// For a node never synced with from here: how much of its chain this store holds.
        var storedEvents: Int?
        /// What asking it for its summary gave; nil when it was not asked (`--offline`, or no address).
        var outcome: PeerProbe.Outcome?
        /// Events this store lacks of the peer's, and the peer of this store's, from the two summaries.
        var lacking: (here: Int, there: Int)?
    }

    /// When a peer's last success, and the last verify, count as too old.
    struct Limits {
        var staleAfterHours: Int
        var verifyWithinDays: Int
    }

    var node: NodeID
    var site: String
    var storePath: String
    var clock: SiteClock
    var now: Timestamp
    var peers: [Peer]
    var heldBack: [NodeID: Int]
    var openForks: [ForkEvidence]
    var decidedForks: Int
    var heldErasures: Int
    var erasureCheckpointPending: Bool
    var retentionDay: CivilDate
    var retentionDue: Int
    var retentionHeld: Int
    var databaseBytes: Int64
    var walBytes: Int64
    var lastVerify: VerifyRun?
    var rollbacks: [PeerRollbackRecord]
    /// Restored from a backup and awaiting the sync that returns its own events: when the backup
    /// was taken and the head of this node's chain it held.
    var restored: (takenAt: String, ownHead: Int)?
    /// Plaintext copies of killed backups still in the store directory (a writable open removes them).
    var staleBackupCopies: [String]
    var limits: Limits

    /// Gathers `store`'s status; asks each peer for its summary unless `offline`, each within
    /// `timeout` seconds, all at once.
    static func gather(_ store: EventStore, clock: SiteClock, offline: Bool, timeout: Double, limits: Limits) async throws -> SiteStatus {
        let now = Timestamp.now()
        let day = clock.day(now)
        let records = try store.syncRecords()
        let (standings, heldBack, forks, heldErasures, heads, entries) = try store.read { reader in
            (try reader.peerStandings(), try reader.heldBack(), try reader.forks(), try reader.heldErasures(), try reader.heads(),
             // Read from the views to count; only the counts leave this function.
             try RetentionSchedule(reader).entries(asOf: day, clock: clock))
        }
        let trust = Dictionary(standings.map { ($0.node, $0) }, uniquingKeysWith: { first, _ in first })
        var peers = records.map { record in
            Peer(address: record.address, node: record.node, site: record.site ?? record.node.flatMap { trust[$0]?.name },
                 trust: record.node.flatMap { trust[$0]?.trust }, record: record)
        }
        let synced = Set(records.compactMap(\.node))
        for standing in standings where standing.trust == .trusted && !synced.contains(standing.node) {
            peers.append(Peer(node: standing.node, site: standing.name, trust: .trusted, storedEvents: standing.stored))
        }
        if !offline {
            let outcomes = await PeerProbe.summaries(of: records.map(\.address), from: store, within: timeout)
            for index in peers.indices {
                guard let address = peers[index].address, var outcome = outcomes[address] else { continue }
                if case .reached(let summary) = outcome {
                    if let expected = peers[index].node, summary.node != expected {
                        outcome = .unreachable("it now holds node \(summary.node) (\(summary.site)), not node \(expected) that was synced with")
                    } else {
                        peers[index].lacking = lacking(mine: heads, theirs: summary.heads)
                    }
                }
                peers[index].outcome = outcome
            }
        }
        let database = store.directory.appendingPathComponent(EventStore.databaseFileName).path
        return SiteStatus(
            node: store.identity.nodeID, site: store.identity.site, storePath: store.directory.path, clock: clock, now: now, peers: peers,
            heldBack: heldBack, openForks: forks.filter(\.isOpen), decidedForks: forks.filter { !$0.isOpen }.count,
            heldErasures: heldErasures.count, erasureCheckpointPending: store.erasedTextMayRemain,
            retentionDay: day, retentionDue: entries.filter(\.isDue).count,
            retentionHeld: entries.filter { !$0.isDue && !$0.holds.isEmpty && day >= $0.retainUntil }.count,
            databaseBytes: fileSize(database), walBytes: fileSize(database + "-wal"),
            lastVerify: try store.lastVerifyRun(), rollbacks: try store.peerRollbacks(unacknowledged: true),
            restored: store.awaitingSyncMark, staleBackupCopies: store.staleBackupCopies(), limits: limits)
    }

    /// Events each side lacks, per the two summaries: for every origin, how far one side's head
    /// is ahead of the other's.
    static func lacking(mine: [NodeID: ChainHead], theirs: [NodeID: ChainHead]) -> (here: Int, there: Int) {
        var here = 0, there = 0
        for origin in Set(mine.keys).union(theirs.keys) {
            // Saturating: a peer gone bad (or a crafted directory) may claim heads near Int.max.
            let (difference, overflow) = (theirs[origin]?.sequence ?? 0).subtractingReportingOverflow(mine[origin]?.sequence ?? 0)
            let magnitude = overflow ? Int.max : difference.magnitude > UInt(Int.max) ? Int.max : Int(difference.magnitude)
            if difference > 0 || overflow { here = here.addingSaturating(magnitude) } else { there = there.addingSaturating(magnitude) }
        }
        return (here, there)
    }

    static func fileSize(_ path: String) -> Int64 {
        var status = stat()
        return stat(path, &status) == 0 ? Int64(status.st_size) : 0
    }

    /// Every reason a person is needed, one line each; empty when the site runs by itself.
    /// Times in the site's zone, or RFC 3339 UTC (`utc`, for JSON).
    func needsAttention(utc: Bool = false) -> [String] {
        func instant(_ instant: Timestamp?) -> String { utc ? instant?.description ?? "never" : self.instant(instant) }
        var reasons: [String] = []
        for peer in peers {
            // A node removed from the trust list was removed on purpose: its syncs failing is expected.
            guard let address = peer.address, let record = peer.record, peer.trust != .removed else { continue }
            let who = "peer \(address)" + (peer.site.map { " (\($0))" } ?? "")
            if record.lastSuccess == nil {
                reasons.append("\(who): never synced successfully; last failure \(instant(record.lastFailure)): \(record.lastFailureReason ?? "unknown")")
            } else if let failure = record.lastFailure, record.failuresInARow > 0 {
                reasons.append("\(who): the last sync failed (\(record.failuresInARow) in a row, last at \(instant(failure))): \(record.lastFailureReason ?? "unknown")")
            } else if let success = record.lastSuccess, isOlder(success, than: Int64(limits.staleAfterHours) * 3_600_000) {
                reasons.append("\(who): last synced at \(instant(success)), more than \(limits.staleAfterHours) h ago")
            }
            if case .unreachable(let why)? = peer.outcome {
                reasons.append("\(who): cannot be reached now: \(why)")
            }
        }
        if !openForks.isEmpty {
            reasons.append("\(openForks.count) open fork\(openForks.count == 1 ? "" : "s"): a copy of a store wrote on its own; decide with `myolog forks decide` (see `myolog forks`)")
        }
        let held = heldBack.values.reduce(0, +)
        if held > 0 {
            reasons.append("\(held) event\(held == 1 ? "" : "s") held back, waiting for trust or for the events before them (see `myolog peer list`)")
        }
        if heldErasures > 0 {
            reasons.append("\(heldErasures) erasure\(heldErasures == 1 ? "" : "s") held for trust: those records are NOT erased here (see `myolog verify`)")
        }
        if erasureCheckpointPending {
            reasons.append("an erasure is not complete: erased text may remain in \(EventStore.databaseFileName)-wal until no other process holds the store open")
        }
        if retentionDue > 0 {
            reasons.append("\(retentionDue) record\(retentionDue == 1 ? "" : "s") due for erasure on \(retentionDay) (see `myolog retention due`)")
        }
        if let verify = lastVerify {
            if verify.exitStatus != 0 {
                reasons.append("the last verify, at \(instant(verify.at)), failed (exit \(verify.exitStatus)): \(verify.summary)")
            } else if isOlder(verify.at, than: Int64(limits.verifyWithinDays) * 86_400_000) {
                reasons.append("the last verify was at \(instant(verify.at)), more than \(limits.verifyWithinDays) days ago: run `myolog verify`")
            }
        } else {
            reasons.append("no verify recorded: run `myolog verify`")
        }
        if let restored {
            reasons.append("restored from a backup taken at \(Timestamp(rfc3339: restored.takenAt).map { instant($0) } ?? restored.takenAt): it writes and shows nothing until `myolog sync PEER` with a peer holding at least sequence \(restored.ownHead == Int.max ? "?" : "\(restored.ownHead)") of this node's chain returns what the node wrote after the backup")
        }
        if !staleBackupCopies.isEmpty {
            reasons.append("a killed backup left a plaintext copy of the store in \(staleBackupCopies.joined(separator: ", ")) (an erasure does not reach it): open the store writable (any command that writes) to remove it")
        }
        for record in rollbacks {
            let rollback = record.rollback
            reasons.append("""
                rollback: \(rollback.site) (node \(rollback.node)) held its own chain only up to sequence \(rollback.theirSequence), \
                another store up to \(rollback.heldSequence); seen at \(instant(record.seenAt)) via \(record.address) \
                (`myolog status --acknowledge \(rollback.node)` once dealt with)
                """)
        }
        return reasons.map(VisibleText.escaped)
    }

    func isOlder(_ instant: Timestamp, than milliseconds: Int64) -> Bool {
        now.millisecondsSinceEpoch - instant.millisecondsSinceEpoch > milliseconds
    }

    /// An instant as the site's wall clock reads it (text), or "never".
    func instant(_ instant: Timestamp?) -> String {
        instant.map(clock.unambiguousMinute) ?? "never"
    }
}

extension Int {
    /// `self + other`, or `Int.max` where that would overflow (counts of events a peer claims).
    func addingSaturating(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? .max : sum
    }
}
