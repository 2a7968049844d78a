import Crypto
import Foundation
import GRDB
import Synchronization
import EventModel
import EventCrypto

/// One clinic machine's store: a directory (mode 0700) holding the SQLite log `myolog.sqlite`
/// and the node's private key `node.key` (mode 0600).
///
/// Guarantees:
/// - every ``write(_:)`` is one SQLite transaction in WAL mode with `synchronous=FULL`: when it
///   returns the events are on disk, and a process killed at any instant leaves all of them or none;
/// - the `events` table is append-only, enforced by triggers inside the database file itself;
/// - the local node's events are numbered 1, 2, 3… and hash-chained, with the vector clock and
///   Lamport timestamp of the store at append time.
public final class EventStore: Sendable {
    public static let databaseFileName = "myolog.sqlite"
    public static let keyFileName = "node.key"

    public let directory: URL
    public let identity: NodeIdentity
    /// The read models kept in step with the log by every write.
    public let projections: [any LogProjection]
    /// Projections that were rebuilt when the store opened because their version changed.
    public let rebuiltOnOpen: [String]
    /// The clock that stamps what this store records (``WallClock/system`` unless a test injects one).
    public let wallClock: WallClock
    /// Whether this store was opened read-only (its file or directory is not writable here):
    /// reads and `verify` work; every write is refused with ``EventLogError/readOnlyStore(path:)``.
    public let isReadOnly: Bool
    /// One connection (a `DatabaseQueue`), or a writer and concurrent readers (a `DatabasePool`,
    /// when opened with `concurrentReads`).
    let database: any DatabaseWriter
    /// Checks the trust list's signatures against this store's own key (``TrustListCheck``), and
    /// remembers the ones found valid across reads.
    let trustKeeper: TrustKeeper

    init(directory: URL, identity: NodeIdentity, database: any DatabaseWriter, projections: [any LogProjection], rebuiltOnOpen: [String] = [],
         wallClock: WallClock, isReadOnly: Bool = false) {
        self.directory = directory
        self.isReadOnly = isReadOnly
        self.wallClock = wallClock
        self.identity = identity
        self.database = database
        self.projections = projections
        self.rebuiltOnOpen = rebuiltOnOpen
        self.trustKeeper = TrustKeeper(identity: identity, directory: directory)
    }

    /// Creates a store in `directory` (created if absent; refused if it holds a store or any file).
    public static func create(at directory: URL, site: String, author: String = "myolog init", projections: [any LogProjection] = [],
                              wallClock: WallClock = .system) throws -> EventStore {
        try validateSite(site)
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        if fileManager.fileExists(atPath: directory.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw EventLogError.storeExists(path: directory.path) }
            let contents = try fileManager.contentsOfDirectory(atPath: directory.path)
            guard contents.isEmpty else { throw EventLogError.storeExists(path: directory.path) }
        } else {
            try fileManager.createDirectory(at: directory, withIntermediateDirectories: true)
        }
        guard chmod(directory.path, 0o700) == 0 else {
            throw EventLogError.damagedStore(path: directory.path, reason: "cannot set the directory's mode to 0700")
        }
        let identity = NodeIdentity(privateKey: Curve25519.Signing.PrivateKey(), site: site, keyPath: directory.appendingPathComponent(keyFileName).path)
        try writeKeyFile(try identity.keyFileContents(), to: directory.appendingPathComponent(keyFileName))
        let databaseURL = directory.appendingPathComponent(databaseFileName)
        // Health data: the database file (and the -wal and -shm files SQLite derives from its
        // mode) readable by the owner only, even if the directory's mode is later loosened.
        guard FileManager.default.createFile(atPath: databaseURL.path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw EventLogError.damagedStore(path: directory.path, reason: "cannot create \(databaseFileName)")
        }
        let database = try openDatabase(databaseURL, readOnly: false, creating: true, upgrader: identity)
        try database.write { db in
            try db.execute(sql: "INSERT INTO nodes (id, site, publicKey, agreementKey, isLocal) VALUES (?, ?, ?, ?, 1)",
                           arguments: [identity.nodeID.rawValue, site, identity.publicKey.rawRepresentation, identity.agreementKey?.publicKey.rawRepresentation])
            for projection in projections { try install(projection, in: db) }
        }
        let store = EventStore(directory: directory, identity: identity, database: database, projections: projections, wallClock: wallClock)
        try store.write { transaction in
            try transaction.append(
                NewEvent(type: SystemEventType.nodeEnrolled, schemaVersion: 1, patient: nil, payload: [
                    "nodeId": .string(identity.nodeID.rawValue),
                    "publicKey": .string(identity.publicKey.rawRepresentation.base64EncodedString()),
                    // Where peers send this node the keys of the patients they share with it.
                    "agreementKey": .string(identity.agreementKey!.publicKey.rawRepresentation.base64EncodedString()),
                    "site": .string(site),
                ]), author: author)
        }
        return store
    }

    /// Drops every projection and folds it again from the log alone, in one transaction.
    /// Refused while this node's own chain fails ``localChainProblem()``: the views are then the
    /// last evidence of what the log held, and a rebuild would erase it.
    public func rebuildProjections() throws {
        guard !isReadOnly else { throw EventLogError.readOnlyStore(path: directory.path) }
        if let problem = try localChainProblem(), case .localChainAltered = problem { throw problem }
        try inImmediateTransaction { db in
            for projection in projections {
                try Self.install(projection, in: db)
                try projection.rebuild(in: ProjectionTransaction(db: db, storeKey: identity.storeKey))
            }
            return .commit
        }
    }

    static func install(_ projection: any LogProjection, in db: Database) throws {
        try projection.drop(in: db)
        try projection.create(in: db)
        try db.execute(sql: "INSERT OR REPLACE INTO projection_versions (name, version) VALUES (?, ?)",
                       arguments: [projection.name, projection.version])
    }

    /// Runs `body` in one write transaction: everything it appends commits together, or nothing does.
    ///
    /// Inside the transaction (``transact(_:in:)``): the own-chain check, `body`, the erasure
    /// acknowledgements, the head's signature, the views. After the commit (``afterCommit(_:)``):
    /// what may lag the database but never lead it — the verified head remembered, the WAL
    /// checkpoint after an erasure, `node.head`, `trust.head`.
    @discardableResult
    public func write<T>(_ body: (AppendTransaction) throws -> T) throws -> T {
        guard !isReadOnly else { throw EventLogError.readOnlyStore(path: directory.path) }
        var committed: Committed<T>?
        try inImmediateTransaction { db in
            committed = try transact(body, in: db)
            return .commit
        }
        return afterCommit(committed!)
    }

    /// What a committed write leaves for the steps after its commit.
    private struct Committed<T> {
        var result: T
        /// `node.head` as read before the write, and the head to record in it, if the write moved it.
        var record: SignedHead.Record?
        var movedHead: SignedHead?
        /// This node's signed head once committed: verified, so the next write need not verify it again.
        var verifiedHead: ChainHead?
        var erased: Bool
        var trustRecorded: TrustHead.Link?
    }

    /// The transaction's part of ``write(_:)``.
    private func transact<T>(_ body: (AppendTransaction) throws -> T, in db: Database) throws -> Committed<T> {
        let me = identity.nodeID
        let transaction = try AppendTransaction(db: db, identity: identity, wallClock: wallClock, trustKeeper: trustKeeper)
        (transaction.signers, transaction.permissions) = people.withLock { ($0.signers, $0.permissions) }
        let record = try checkOwnChain(in: transaction)
        let result = try body(transaction)
        try transaction.acknowledgeErasures()
        // Every commit ends on a signed event: the signature covers the whole chain before it.
        _ = try transaction.signLocalHead()
        try foldViews(of: transaction)
        let erased = transaction.written.contains { SystemEventType.erasing.contains($0.type) }
        if erased { try markErasureCheckpointPending() }
        let signed = try transaction.signedHead(of: me)
        // The head moved if this transaction stored an event of this node (appended or received
        // back); the record is never moved backwards (a chain behind it).
        let moved = signed.flatMap { signed in
            transaction.written.contains(where: { $0.origin == me }) && signed.sequence > record?.head.sequence ?? 0 ? signed : nil
        }
        return Committed(result: result, record: record, movedHead: moved, verifiedHead: signed.map { ChainHead(sequence: $0.sequence, hash: $0.hash) },
                         erased: erased, trustRecorded: transaction.trustRecorded)
    }

    /// Never extend — and so never sign on top of — a chain this node did not sign. A chain
    /// merely behind its signed head (a restored backup) may still receive its own missing
    /// events back from a peer, under its signature; it appends nothing of its own. Returns
    /// `node.head` as read.
    private func checkOwnChain(in transaction: AppendTransaction) throws -> SignedHead.Record? {
        let known = verifiedLocalChain.withLock { $0 }
        let record = try SignedHead.read(in: directory, publicKey: identity.publicKey.rawRepresentation, verified: known.record)
        if let problem = try transaction.localChainProblem(of: identity.nodeID, publicKey: identity.publicKey.rawRepresentation,
                                                           recorded: record?.head, known: known.head) {
            guard case .localChainBehind = problem else { throw problem }
            transaction.refuseLocalAppends(problem)
        } else if let restored = awaitingOwnEvents() {
            // Restored from a backup: behind this node's chain as its peers may hold it.
            transaction.refuseLocalAppends(restored)
        }
        return record
    }

    /// Brings every view up to the transaction's events, opened now — once each, with the keys
    /// the transaction holds at its end, so keys received after the events open them too — and
    /// folds again the patients whose keys arrived for events stored earlier.
    private func foldViews(of transaction: AppendTransaction) throws {
        guard !transaction.written.isEmpty || !transaction.keysReceived.isEmpty else { return }
        let context = ProjectionTransaction(reader: transaction)
        let written = try transaction.written.map(transaction.keys.opened)
        for projection in projections {
            if !written.isEmpty { try projection.apply(written, in: context) }
            // Patients among the events just applied were folded with their keys already;
            // the others' earlier, unreadable events are folded again now.
            let applied = Set(written.compactMap(\.patient))
            let earlier = transaction.keysReceived.filter { !applied.contains($0) }
            if !earlier.isEmpty { try projection.refold(earlier, in: context) }
        }
    }

    /// The steps after a commit of ``write(_:)``.
    private func afterCommit<T>(_ committed: Committed<T>) -> T {
        // Checked or signed by this process, committed: the next write need not verify them again.
        verifiedLocalChain.withLock { $0 = (committed.verifiedHead, committed.record) }
        // An erasure committed (or an earlier one's checkpoint is pending): move every page out
        // of the WAL and truncate it, so the deleted rows' old pages (secure_delete zeroed the new
        // ones) do not linger in the -wal file. See EventStore+ErasureCheckpoint.swift.
        if committed.erased || erasedTextMayRemain { completeErasureCheckpoint() }
        // After the commit, so the record never names an event the database lacks. If this fails
        // (disk full), the record lags — still consistent — and the next write that moves the head
        // writes it again.
        if let movedHead = committed.movedHead { recordSignedHead(movedHead, slot: committed.record?.nextSlot ?? 0) }
        // Likewise after the commit: `trust.head` may lag the trust list (then the change it names
        // is still there), never lead it. If this fails, the newest changes are not yet protected
        // against deletion; the next trust change records them.
        if let trustRecorded = committed.trustRecorded { try? TrustHead(signedBy: identity, head: trustRecorded).write(in: directory) }
        return committed.result
    }

    /// Who is signed in to this store in this process, and the permission table it obeys
    /// (EventStore+People.swift).
    let people = Mutex<(signers: [String: SignedInUser], permissions: (any AuthorPermissions)?)>(([:], nil))

    /// The local head and `node.head` bytes this process last verified or signed itself.
    private let verifiedLocalChain = Mutex<(head: ChainHead?, record: SignedHead.Record?)>((nil, nil))

    /// When this process last wrote `node.head`, and the head it has not written since.
    private let headRecording = Mutex<(lastWrite: ContinuousClock.Instant?, pending: (head: SignedHead, slot: Int)?)>((nil, nil))

    /// The shortest interval between two writes of `node.head` by one process.
    ///
    /// Measured: rewriting the record after every commit made a bulk write ≈ 30 % slower, because
    /// on ext4 (data=ordered) the next commit's fsync must first flush the record's dirty page.
    /// So a process writes it at its first commit and then at most once a second (and the pending
    /// head when the store is released): a single clinic write always records its head; a bulk
    /// write lets the record lag by at most a second of commits — consistent, like any lag.
    static let headRecordInterval = Duration.seconds(1)

    private func recordSignedHead(_ head: SignedHead, slot: Int) {
        let now = ContinuousClock.now
        let due = headRecording.withLock { state -> Bool in
            if let last = state.lastWrite, now - last < Self.headRecordInterval {
                state.pending = (head, slot)
                return false
            }
            state = (now, nil)
            return true
        }
        if due { try? head.write(in: directory, slot: slot) }
    }

    deinit {
        if let pending = headRecording.withLock({ $0.pending }) { try? pending.head.write(in: directory, slot: pending.slot) }
    }

    /// Appends `events` by `author` in one transaction and returns their envelopes.
    @discardableResult
    public func append(_ events: [NewEvent], author: String) throws -> [EventEnvelope] {
        try write { transaction in
            for event in events { try transaction.append(event, author: author) }
            _ = try transaction.signLocalHead()  // so the envelopes returned carry the commit's signature
            return transaction.written
        }
    }

    /// Why this node may not write, or nil: its own chain must end on the head it last signed
    /// (``SignedHead``). What every write checks first, and `verify` reports.
    public func localChainProblem() throws -> EventLogError? {
        let recorded = try SignedHead.read(in: directory, publicKey: identity.publicKey.rawRepresentation)?.head
        return try read { try $0.localChainProblem(of: identity.nodeID, publicKey: identity.publicKey.rawRepresentation, recorded: recorded) }
    }

    /// Runs `body` against one consistent snapshot of the log.
    public func read<T>(_ body: (EventReader) throws -> T) throws -> T {
        try database.read { db in try body(EventReader(db: db, storeKey: identity.storeKey, trustKeeper: trustKeeper)) }
    }

    /// ``read(_:)`` without blocking the caller's thread: the read runs on the database's own
    /// queue (a reader connection of its own with `concurrentReads`), and the caller suspends.
    public func readWithoutBlocking<T: Sendable>(_ body: @escaping @Sendable (EventReader) throws -> T) async throws -> T {
        let (storeKey, trustKeeper) = (identity.storeKey, trustKeeper)
        return try await database.read { db in try body(EventReader(db: db, storeKey: storeKey, trustKeeper: trustKeeper)) }
    }

    /// `BEGIN IMMEDIATE`: the write lock from the first statement, whatever kind of connection.
    func inImmediateTransaction(_ body: (Database) throws -> Database.TransactionCompletion) throws {
        try database.writeWithoutTransaction { db in try db.inTransaction(.immediate) { try body(db) } }
    }

    /// The longest site name accepted.
    public static let maximumSiteLength = 100

    static func validateSite(_ site: String) throws {
        try EventLogError.checkName(site, field: "site", maximumLength: maximumSiteLength,
                                    accepted: "a site name of 1–\(maximumSiteLength) characters without control or invisible characters")
    }

    private static func writeKeyFile(_ contents: Data, to url: URL) throws {
        let fd = Foundation.open(url.path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw EventLogError.storeExists(path: url.deletingLastPathComponent().path) }
        defer { close(fd) }
        let written = contents.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
        guard written == contents.count, fsync(fd) == 0 else {
            throw EventLogError.damagedStore(path: url.deletingLastPathComponent().path, reason: "could not write \(url.lastPathComponent)")
        }
    }
}
