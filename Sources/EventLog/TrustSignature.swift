import Crypto
import Foundation
import GRDB

/// One row of `peer_trust`, read as stored — nothing in it is believed until its signature is checked.
///
/// Every row this store writes carries this node's Ed25519 signature (`node.key`) over
/// ``signedBytes(store:previous:)``: a domain-separated, length-prefixed encoding of this store's
/// own node id, the row's `change` number, every column, and the signature of the row before it.
/// So a row cannot be forged without the key, nor edited, nor renumbered, nor copied from another
/// store (another node id and another key), nor moved, nor can a row before it be removed, without
/// its signature failing — and a row whose signature fails is not obeyed (``TrustListCheck``).
struct TrustChange: Sendable, Equatable {
    var change: Int64
    var node: String
    var name: String
    var trusted: Int64
    var changedAt: String
    var author: String
    var signature: Data?

    /// The label that begins every signed trust row: no other signature the node key makes (chain
    /// heads, `trust.head`, TLS) begins with it, so none can be passed off as a trust change.
    static let label = "myolog trust change v1\n"

    /// The bytes the signature covers. Each field is `<UTF-8 length>:<bytes>\n`, so no choice of
    /// names can make two different rows encode alike. `previous` is the signature of the row
    /// before this one in the trust list's chain (nil for the first): removing or altering a row
    /// makes the next one fail.
    func signedBytes(store: NodeID, previous: Data?) -> Data {
        var bytes = Data(Self.label.utf8)
        for field in [store.rawValue, String(change), node, name, String(trusted), changedAt, author, previous?.base64EncodedString() ?? ""] {
            bytes.append(contentsOf: "\(field.utf8.count):".utf8)
            bytes.append(contentsOf: field.utf8)
            bytes.append(UInt8(ascii: "\n"))
        }
        return bytes
    }

    /// Every row of `peer_trust` in `change` order. A row whose stored values are not of the
    /// types the table declares (someone rebuilt the table outside Myolog) is returned as
    /// `.malformed`, never dropped silently.
    static func readAll(_ db: Database) throws -> [Result<TrustChange, IgnoredTrustChange>] {
        try Row.fetchAll(db, sql: "SELECT change, node, name, trusted, changedAt, author, signature FROM peer_trust ORDER BY change").map { row in
            let values: [DatabaseValue] = (0..<7).map { row[$0] as DatabaseValue }
            guard case .int64(let change) = values[0].storage else {
                return .failure(IgnoredTrustChange(change: nil, node: "\(values[1])", reason: "its change number is not an integer: the table was rebuilt outside Myolog"))
            }
            let text = [1, 2, 4, 5].map { index -> String? in if case .string(let value) = values[index].storage { value } else { nil } }
            guard let node = text[0], let name = text[1], let changedAt = text[2], let author = text[3], case .int64(let trusted) = values[3].storage
            else { return .failure(IgnoredTrustChange(change: change, node: "\(values[1])", reason: "its columns do not hold the types the trust list declares: altered outside Myolog")) }
            let signature: Data?
            switch values[6].storage {
            case .null: signature = nil
            case .blob(let bytes): signature = bytes
            default: return .failure(IgnoredTrustChange(change: change, node: node, reason: "its signature is not a blob: altered outside Myolog"))
            }
            return .success(TrustChange(change: change, node: node, name: name, trusted: trusted, changedAt: changedAt, author: author, signature: signature))
        }
    }
}

/// A row of the trust list that this store does not obey, and why: `myolog verify` names each.
public struct IgnoredTrustChange: Error, Sendable, Equatable {
    /// The row's `change` number (nil only when even that was rewritten into a non-number).
    public var change: Int64?
    /// The node id the row names, as stored.
    public var node: String
    public var reason: String

    public var json: JSONValue {
        .object(["change": change.map { .int(Int($0)) } ?? .null, "node": .string(node), "reason": .string(reason)])
    }
}

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
                ignored.append(IgnoredTrustChange(change: row.change, node: row.node, reason: "not signed: not written by Myolog on this store (inserted outside it)"))
                continue
            }
            guard keeper.isValid(signature, for: row.signedBytes(store: keeper.store, previous: previous)) else {
                let followsIgnored = before.map { before in
                    before.signature != previous && keeper.isValid(signature, for: row.signedBytes(store: keeper.store, previous: before.signature))
                } ?? false
                ignored.append(IgnoredTrustChange(change: row.change, node: row.node, reason: followsIgnored
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

/// What a store needs to check its trust list: its own node id and public key, and where
/// `trust.head` lives — plus the memory of signatures already found valid, so that the trust
/// checks a sync makes on every request verify each row once per process, not once per request.
///
/// The key is the one this store was opened with (from `node.key`, which opening checked against
/// the database), kept in memory: a key swapped into the database while a server runs is never
/// the one trust rows are checked against.
final class TrustKeeper: @unchecked Sendable {
    let store: NodeID
    let publicKey: Curve25519.Signing.PublicKey
    /// The store directory (`trust.head`).
    let directory: URL
    // NSLock, not Synchronization's Mutex: the package still builds for macOS 14.
    private let lock = NSLock()
    /// Digests of (message, signature) pairs found valid with ``publicKey``. A valid Ed25519
    /// signature stays valid: what is remembered is that fact for exact bytes, never "this row is fine".
    private var valid: Set<Data> = []
    /// The `trust.head` bytes last verified, and what they said.
    private var recorded: (bytes: Data, head: TrustHead.Link?)?
    /// The last check made, under the fingerprint of the rows and the `trust.head` bytes it read.
    private var lastCheck: (fingerprint: String, record: Data?, check: TrustListCheck)?

    func rememberedCheck(fingerprint: String, record: Data?) -> TrustListCheck? {
        lock.withLock { lastCheck.flatMap { $0.fingerprint == fingerprint && $0.record == record ? $0.check : nil } }
    }

    func remember(_ check: TrustListCheck, fingerprint: String, record: Data?) {
        lock.withLock { lastCheck = (fingerprint, record, check) }
    }

    /// How many signatures were actually verified (not answered from memory).
    var verifications: Int { lock.withLock { verified } }
    private var verified = 0

    init(store: NodeID, publicKey: Curve25519.Signing.PublicKey, directory: URL) {
        self.store = store
        self.publicKey = publicKey
        self.directory = directory
    }

    convenience init(identity: NodeIdentity, directory: URL) {
        self.init(store: identity.nodeID, publicKey: identity.publicKey, directory: directory)
    }

    /// Whether `signature` is this store's over `message`, remembered when true.
    func isValid(_ signature: Data, for message: Data) -> Bool {
        var digest = SHA256()
        digest.update(data: message)
        digest.update(data: signature)
        let key = Data(digest.finalize())
        if lock.withLock({ valid.contains(key) }) { return true }
        lock.withLock { verified += 1 }
        guard publicKey.isValidSignature(signature, for: message) else { return false }
        lock.withLock {
            if valid.count >= 10_000 { valid.removeAll(keepingCapacity: true) }
            valid.insert(key)
        }
        return true
    }

    enum Recorded {
        case absent
        case invalid(String)
        case recorded(TrustHead.Link?)
    }

    /// The bytes of `trust.head`; nil if it is absent, empty if it exists but cannot be read.
    func recordBytes() -> Data? {
        let url = directory.appendingPathComponent(TrustHead.fileName)
        guard let bytes = FileManager.default.contents(atPath: url.path) else {
            return FileManager.default.fileExists(atPath: url.path) ? Data() : nil
        }
        return bytes
    }

    /// What `trust.head`'s `bytes` record, checked (unchanged bytes are not verified again).
    func recordedHead(_ bytes: Data?) -> Recorded {
        guard let bytes else { return .absent }
        guard !bytes.isEmpty else { return .invalid("\(TrustHead.fileName) cannot be read or is empty") }
        if let known = lock.withLock({ recorded }), known.bytes == bytes { return .recorded(known.head) }
        guard let head = TrustHead(parsing: bytes), head.store == store, isValid(head.signature, for: head.signedBytes) else {
            return .invalid("\(TrustHead.fileName), the record of the newest signed trust change, is not signed by this node")
        }
        lock.withLock { recorded = (bytes, head.head) }
        return .recorded(head.head)
    }
}

/// The newest trust change this node signed, recorded outside the database in `trust.head`
/// (mode 0600, beside `node.key`), itself signed: what makes deleting the newest rows of the
/// trust list — say, the one that removed a stolen laptop's node — detectable.
///
/// Written before the commit of a store's first trust change (recording none yet, so that a
/// crash then never leaves signed rows without a record) and after the commit of every change
/// (recording it), by rename. It may lag the database — a crash or power loss between a commit
/// and its rewrite — which is consistent: the change it names is still in the list. It is never
/// ahead of it, except when an older `myolog.sqlite` is put back without its `trust.head`: that is
/// refused like a deletion.
struct TrustHead: Sendable {
    struct Link: Sendable, Equatable {
        var change: Int64
        var signature: Data
    }

    static let fileName = "trust.head"
    static let label = "myolog trust head v1\n"

    var store: NodeID
    var head: Link?
    var signature: Data

    var signedBytes: Data {
        var bytes = Data(Self.label.utf8)
        for field in [store.rawValue, head.map { String($0.change) } ?? "", head?.signature.base64EncodedString() ?? ""] {
            bytes.append(contentsOf: "\(field.utf8.count):".utf8)
            bytes.append(contentsOf: field.utf8)
            bytes.append(UInt8(ascii: "\n"))
        }
        return bytes
    }

    init(signedBy identity: NodeIdentity, head: Link?) throws {
        self.store = identity.nodeID
        self.head = head
        self.signature = Data()
        self.signature = try identity.signature(for: signedBytes)
    }

    init?(parsing bytes: Data) {
        guard case .object(let members)? = try? JSONParser.parse(Array(bytes.prefix { $0 != UInt8(ascii: "\n") })),
            let store = members["store"]?.stringValue.flatMap(NodeID.init),
            let signature = members["signature"]?.stringValue.flatMap({ Data(base64Encoded: $0) })
        else { return nil }
        switch members["head"] {
        case .null?: head = nil
        case .object(let link)?:
            guard let change = link["change"]?.intValue, let signature = link["signature"]?.stringValue.flatMap({ Data(base64Encoded: $0) }) else { return nil }
            head = Link(change: Int64(change), signature: signature)
        default: return nil
        }
        self.store = store
        self.signature = signature
    }

    var json: JSONValue {
        .object([
            "store": .string(store.rawValue),
            "head": head.map { .object(["change": .int(Int($0.change)), "signature": .string($0.signature.base64EncodedString())]) } ?? .null,
            "signature": .string(signature.base64EncodedString()),
        ])
    }

    /// Whether `directory` holds a record at all.
    static func exists(in directory: URL) -> Bool {
        FileManager.default.fileExists(atPath: directory.appendingPathComponent(fileName).path)
    }

    /// Replaces the record in `directory`: a temporary file, flushed, renamed over it (mode 0600).
    func write(in directory: URL) throws {
        let url = directory.appendingPathComponent(Self.fileName)
        let temporary = directory.appendingPathComponent(".\(Self.fileName).partial-\(getpid())")
        let bytes = Array((json.canonicalString + "\n").utf8)
        func fail() -> EventLogError {
            .damagedStore(path: directory.path, reason: "cannot write \(Self.fileName): \(String(cString: strerror(errno)))")
        }
        let fd = Foundation.open(temporary.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw fail() }
        let written = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd) == 0
        close(fd)
        guard written == bytes.count, synced, rename(temporary.path, url.path) == 0 else {
            let error = fail()
            unlink(temporary.path)
            throw error
        }
    }
}
