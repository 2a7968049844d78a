import Foundation
import GRDB
import EventModel
import EventSync

/// This store's record of its last sync with one peer address (`sync_peers`): what `status`
/// reads and `sync --every` keeps.
///
/// Local to this node and unsigned — an operator's aid, not evidence: whoever can write the
/// database can edit it. Nothing of a patient is in it.
public struct PeerSyncRecord: Sendable, Equatable {
    /// The peer as it was named: a store directory or `https://HOST:PORT`.
    public var address: String
    /// The peer's node and site, once a sync reached it.
    public var node: NodeID?
    public var site: String?
    public var lastAttempt: Timestamp
    public var lastSuccess: Timestamp?
    public var lastFailure: Timestamp?
    /// Why the last failure failed, in one line.
    public var lastFailureReason: String?
    /// Failures since the last success.
    public var failuresInARow: Int
    /// The peer's own chain head as this store held it after the last success (the peer signed
    /// it: its signature is in the log's chain signatures).
    public var witnessedHead: ChainHead?
}

/// A peer seen holding less of its own chain than this store held (``PeerRollback``), as recorded
/// in `peer_rollbacks`, with its acknowledgement once an operator has made one.
public struct PeerRollbackRecord: Sendable, Equatable {
    public var rollback: PeerRollback
    /// The address the sync that saw it used.
    public var address: String
    public var seenAt: Timestamp
    public var acknowledgedAt: Timestamp?
    public var acknowledgedBy: String?
}

/// One `verify` run as it recorded itself (`verify_runs`).
public struct VerifyRun: Sendable, Equatable {
    public var at: Timestamp
    /// The exit status it ended with (0: everything checked).
    public var exitStatus: Int
    /// Its verdict in one line.
    public var summary: String

    public init(at: Timestamp, exitStatus: Int, summary: String) {
        (self.at, self.exitStatus, self.summary) = (at, exitStatus, summary)
    }
}

extension EventStore {
    /// Records a sync with `address` that ended well: `peer` reached, and `witnessed`, the head of
    /// the peer's own chain this store now holds. (Rollbacks are recorded as they are seen:
    /// ``recordRollbacks(_:address:)``.)
    ///
    /// Outside the log: one small transaction of its own, allowed on a store behind its signed
    /// head (it appends no event).
    public func recordSyncSucceeded(address: String, peer: PeerSummary, witnessed: ChainHead?) throws {
        guard !isReadOnly else { throw EventLogError.readOnlyStore(path: directory.path) }
        let now = wallClock.now().description
        try database.write { db in
            try db.execute(sql: """
                INSERT INTO sync_peers (address, node, site, lastAttemptAt, lastSuccessAt, failuresInARow, witnessedSequence, witnessedHash)
                VALUES (?, ?, ?, ?, ?, 0, ?, ?)
                ON CONFLICT (address) DO UPDATE SET node = excluded.node, site = excluded.site, lastAttemptAt = excluded.lastAttemptAt,
                    lastSuccessAt = excluded.lastSuccessAt, failuresInARow = 0,
                    witnessedSequence = excluded.witnessedSequence, witnessedHash = excluded.witnessedHash
                """, arguments: [address, peer.node.rawValue, peer.site, now, now, witnessed?.sequence, witnessed?.hash.rawValue])
        }
    }

    /// Records a sync with `address` that failed, with why in one line:
    /// a peer's words may be in it, so control characters are escaped (`\u{1B}`), never kept —
    /// whoever reads it later on a terminal sees text, not commands.
    public func recordSyncFailed(address: String, reason: String) throws {
        guard !isReadOnly else { throw EventLogError.readOnlyStore(path: directory.path) }
        let now = wallClock.now().description
        let line = VisibleText.escaped(reason)
        try database.write { db in
            try db.execute(sql: """
                INSERT INTO sync_peers (address, lastAttemptAt, lastFailureAt, lastFailure, failuresInARow) VALUES (?, ?, ?, ?, 1)
                ON CONFLICT (address) DO UPDATE SET
                    lastAttemptAt = excluded.lastAttemptAt, lastFailureAt = excluded.lastFailureAt, lastFailure = excluded.lastFailure,
                    failuresInARow = failuresInARow + 1
                """, arguments: [address, now, now, String(line.prefix(500))])
        }
    }

    /// Records `rollbacks` as they are seen — by a sync this store runs, by `serve` from a peer's
    /// requests, by the other store of a path sync — naming `address` as where. Returns how many
    /// were new (a sighting of a node with an unacknowledged rollback widens that one).
    @discardableResult
    public func recordRollbacks(_ rollbacks: [PeerRollback], address: String) throws -> Int {
        guard !isReadOnly, !rollbacks.isEmpty else { return 0 }
        let now = wallClock.now().description
        return try database.write { db in
            var new = 0
            for rollback in rollbacks where try Self.insert(rollback, address: address, at: now, in: db) { new += 1 }
            return new
        }
    }

    /// Records `rollback`, or — while one of that node is unacknowledged — widens that one (the
    /// lower sequence it fell to, the higher one held elsewhere): the pages and batches of one
    /// catch-up, or a sync stopped and run again, are one incident. Returns whether it was new.
    @discardableResult
    private static func insert(_ rollback: PeerRollback, address: String, at now: String, in db: Database) throws -> Bool {
        if let open = try Int.fetchOne(db, sql: "SELECT position FROM peer_rollbacks WHERE node = ? AND acknowledgedAt IS NULL ORDER BY position LIMIT 1",
                                       arguments: [rollback.node.rawValue]) {
            try db.execute(sql: "UPDATE peer_rollbacks SET theirSequence = min(theirSequence, ?), heldSequence = max(heldSequence, ?) WHERE position = ?",
                           arguments: [rollback.theirSequence, rollback.heldSequence, open])
            return false
        }
        try db.execute(sql: "INSERT INTO peer_rollbacks (node, site, address, seenAt, theirSequence, heldSequence) VALUES (?, ?, ?, ?, ?, ?)",
                       arguments: [rollback.node.rawValue, rollback.site, address, now, rollback.theirSequence, rollback.heldSequence])
        return true
    }

    /// Every peer address this store has synced with, by address.
    public func syncRecords() throws -> [PeerSyncRecord] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM sync_peers ORDER BY address").map { row in
                let sequence: Int? = row["witnessedSequence"]
                let hash: String? = row["witnessedHash"]
                return PeerSyncRecord(
                    address: row["address"], node: (row["node"] as String?).flatMap(NodeID.init), site: row["site"],
                    lastAttempt: Timestamp(rfc3339: row["lastAttemptAt"]) ?? Timestamp(millisecondsSinceEpoch: 0),
                    lastSuccess: (row["lastSuccessAt"] as String?).flatMap { Timestamp(rfc3339: $0) },
                    lastFailure: (row["lastFailureAt"] as String?).flatMap { Timestamp(rfc3339: $0) },
                    lastFailureReason: row["lastFailure"], failuresInARow: row["failuresInARow"],
                    witnessedHead: sequence.flatMap { sequence in hash.flatMap(EventHash.init).map { ChainHead(sequence: sequence, hash: $0) } })
            }
        }
    }

    /// Removes the record of `address` (a mistyped or retired peer); returns whether there was one.
    public func forgetSyncRecord(address: String) throws -> Bool {
        guard !isReadOnly else { throw EventLogError.readOnlyStore(path: directory.path) }
        return try database.write { db in
            try db.execute(sql: "DELETE FROM sync_peers WHERE address = ?", arguments: [address])
            return db.changesCount > 0
        }
    }

    /// Every rollback recorded, oldest first; `unacknowledged` only those no operator has acknowledged.
    public func peerRollbacks(unacknowledged: Bool = false) throws -> [PeerRollbackRecord] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM peer_rollbacks \(unacknowledged ? "WHERE acknowledgedAt IS NULL" : "") ORDER BY position")
                .compactMap { row in
                    guard let node = NodeID(row["node"] as String) else { return nil }
                    return PeerRollbackRecord(
                        rollback: PeerRollback(node: node, site: row["site"], theirSequence: row["theirSequence"], heldSequence: row["heldSequence"]),
                        address: row["address"], seenAt: Timestamp(rfc3339: row["seenAt"]) ?? Timestamp(millisecondsSinceEpoch: 0),
                        acknowledgedAt: (row["acknowledgedAt"] as String?).flatMap { Timestamp(rfc3339: $0) }, acknowledgedBy: row["acknowledgedBy"])
                }
        }
    }

    /// Marks every unacknowledged rollback of `node` acknowledged by `user`; returns how many.
    @discardableResult
    public func acknowledgeRollbacks(of node: NodeID, by user: String) throws -> Int {
        guard !isReadOnly else { throw EventLogError.readOnlyStore(path: directory.path) }
        let now = wallClock.now().description
        return try database.write { db in
            try db.execute(sql: "UPDATE peer_rollbacks SET acknowledgedAt = ?, acknowledgedBy = ? WHERE node = ? AND acknowledgedAt IS NULL",
                           arguments: [now, user, node.rawValue])
            return db.changesCount
        }
    }

    /// Records a `verify` run (a read-only store records nothing, and says nothing about it).
    public func recordVerifyRun(_ run: VerifyRun) throws {
        guard !isReadOnly else { return }
        try database.write { db in
            try db.execute(sql: "INSERT INTO verify_runs (at, exitStatus, summary) VALUES (?, ?, ?)",
                           arguments: [run.at.description, run.exitStatus, String(run.summary.prefix(500))])
        }
    }

    /// The last `verify` run recorded, if any.
    public func lastVerifyRun() throws -> VerifyRun? {
        try database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM verify_runs ORDER BY position DESC LIMIT 1").map { row in
                VerifyRun(at: Timestamp(rfc3339: row["at"]) ?? Timestamp(millisecondsSinceEpoch: 0), exitStatus: row["exitStatus"], summary: row["summary"])
            }
        }
    }
}

extension EventReader {
    /// The site `node` enrolled with, if this store knows the node.
    public func site(of node: NodeID) throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT site FROM nodes WHERE id = ?"), arguments: [node.rawValue])
    }
}
