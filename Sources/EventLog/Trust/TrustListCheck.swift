import Crypto
import Foundation
import GRDB
import EventModel
import EventCrypto

/// The trust list as this store obeys it: the rows whose signatures are this node's, in their
/// chain; the rows it ignores; and whether the list as a whole was cut back or rolled back.
///
/// Guarantees, for a store read through ``EventStore`` (and so ``EventReader/trust(of:)``,
/// ``EventReader/peerStandings()``, every sync carrier and `verify`):
/// - a row counts only if its signature verifies, with this store's own public key (the one
///   `node.key` holds, or without the key the one the store enrolled with), over its contents,
///   its change number, this store's node id and the signature of the last row that counted
///   before it. An unsigned row, one signed by any other key (copied from another store), and one
///   edited after signing are ignored: treated as absent, and listed in ``ignored``;
/// - for each node, the latest row that counts decides;
/// - the newest row this node signed is also recorded outside the database, signed, in
///   `trust.head` (``TrustHead``). If that row is not among the rows that count — rows were
///   deleted or altered, or `myolog.sqlite` is older than `trust.head` — the list is ``altered``
///   and nothing in it is obeyed: no peer is trusted (fail closed) until it is restored.
///
/// Not covered: whoever holds `node.key` can sign anything; and whoever can write the store
/// directory and kept an older copy of both `myolog.sqlite` and `trust.head` can put that pair
/// back (a rollback to a state this node once signed).
public struct TrustListCheck: Sendable {
    /// How many rows count (are obeyed).
    public internal(set) var obeyed = 0
    /// Rows not obeyed, in change order.
    public internal(set) var ignored: [IgnoredTrustChange] = []
    /// Why nothing in the list is obeyed, or nil.
    public internal(set) var altered: String?
    /// The change `trust.head` records as the newest signed one (nil: none recorded).
    public internal(set) var recordedHead: Int64?
    /// The latest row that counts, per node.
    var latest: [NodeID: TrustChange] = [:]
    /// The last row that counts: the one a new row links to.
    var tail: TrustChange?

    /// Whether every row counts and the list reaches the head `trust.head` records.
    public var isClean: Bool { ignored.isEmpty && altered == nil }

    /// Checks the list held in `db` against `keeper`'s key and the `trust.head` in its directory.
    /// The verdict depends on nothing else, so the keeper remembers the last one under the exact
    /// bytes of both: a server asking on every request reads one fingerprint, not every row.
    init(_ db: Database, keeper: TrustKeeper) throws {
        // Every column of every row as an SQL literal (`quote`: text quoted and escaped, blobs as
        // X'…', NULL bare), so two different lists never share a fingerprint.
        let fingerprint = try String.fetchOne(db, sql: """
            SELECT group_concat(quote(change) || ',' || quote(node) || ',' || quote(name) || ',' || quote(trusted) || ','
                                || quote(changedAt) || ',' || quote(author) || ',' || quote(signature), ';') FROM peer_trust
            """) ?? ""
        let record = keeper.recordBytes()
        if let known = keeper.rememberedCheck(fingerprint: fingerprint, record: record) {
            self = known
            return
        }
        try self.init(checking: db, keeper: keeper, record: record)
        keeper.remember(self, fingerprint: fingerprint, record: record)
    }

    private init(checking db: Database, keeper: TrustKeeper, record: Data?) throws {
        var previous: Data?
        var counted: [Int64: Data] = [:]
        // The row just before, counted or not: to say whether a failing row was signed after one
        // that is itself ignored.
        var before: TrustChange?
        for result in try TrustChange.readAll(db) {
            let row: TrustChange
            switch result {
            case .failure(let problem):
                ignored.append(problem)
                continue
            case .success(let read): row = read
            }
            defer { before = row }
            guard let signature = row.signature else {
                ignored.append(IgnoredTrustChange(code: .notSigned, change: row.change, node: row.node, reason: "not signed: not written by Myolog on this store (inserted outside it)"))
                continue
            }
            guard keeper.isValid(signature, for: row.signedBytes(store: keeper.store, previous: previous)) else {
                let followsIgnored = before.map { before in
                    before.signature != previous && keeper.isValid(signature, for: row.signedBytes(store: keeper.store, previous: before.signature))
                } ?? false
                ignored.append(IgnoredTrustChange(code: followsIgnored ? .followsIgnored : .signatureMismatch, change: row.change, node: row.node, reason: followsIgnored
                    ? "signed by this node, but after change \(before?.change ?? 0), which is itself not obeyed"
                    : "its signature is not this node's over this row where it stands: the row was altered, copied from another store or forged, or a row before it was removed"))
                continue
            }
            obeyed += 1
            tail = row
            previous = signature
            counted[row.change] = signature
            // Only this node signs rows, and only for a node id: a signed row naming none cannot occur.
            if let node = NodeID(row.node) { latest[node] = row }
        }
        switch keeper.recordedHead(record) {
        case .absent:
            // Nothing recorded yet is consistent only with nothing signed yet: a list whose record
            // was deleted could otherwise be cut back at will.
            if let tail { altered = "\(TrustHead.fileName), the record of the newest signed trust change (kept outside the database), is missing, yet the list holds signed changes up to \(tail.change)" }
        case .invalid(let reason):
            altered = reason
        case .recorded(let head):
            recordedHead = head?.change
            if let head, counted[head.change] != head.signature {
                altered = "the list lacks change \(head.change), the newest one this node signed as \(TrustHead.fileName) records: changes were removed or altered outside Myolog, or myolog.sqlite is older than \(TrustHead.fileName)"
            }
        }
    }

    /// This store's standing of `node` by the rows that count; throws if the list is ``altered``.
    func standing(of node: NodeID) throws -> TrustChange? {
        if let altered { throw EventLogError.trustListAltered(reason: altered) }
        return latest[node]
    }
}
