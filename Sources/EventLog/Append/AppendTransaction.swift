import Foundation
import GRDB
import EventModel
import EventCrypto
import EventSync

/// One write transaction on the log: reads (inherited from ``EventReader``) and appends that
/// commit together or not at all.
///
/// The transaction is `BEGIN IMMEDIATE`: it holds the write lock from its first statement, so
/// the checks a caller makes before appending cannot be invalidated by another process.
public final class AppendTransaction: EventReader {
    let identity: NodeIdentity
    /// The node this transaction appends as: its own events carry it as their origin.
    public var localNode: NodeID { identity.nodeID }
    /// The clock that stamps what this transaction records.
    let wallClock: WallClock
    var clockState: VectorClock
    var lamport: Int
    var headHash: EventHash?
    /// The last author accepted: a bulk write checks it once, not per event.
    var acceptedAuthor: String?
    /// The events this transaction stored so far: appended by this node, or received and applied.
    public internal(set) var written: [EventEnvelope] = []
    /// How many of ``written`` this transaction stored as received from a peer (or held back and
    /// released), not appended here: a reader of ``written`` that may only trust this node's own
    /// appends (ClinicalSession's remembered standing) reads afresh once it moves.
    public internal(set) var receivedCount = 0
    let insert: BoundStatement

    init(db: Database, identity: NodeIdentity, wallClock: WallClock, trustKeeper: TrustKeeper) throws {
        self.identity = identity
        self.wallClock = wallClock
        self.insert = try BoundStatement(db, sql: """
            INSERT INTO events (id, origin, sequence, clock, lamport, recordedAt, occurredAt, author, patient, type, schemaVersion, payload, prevHash, hash,
                                authorRole)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let reader = EventReader(db: db, storeKey: nil)
        clockState = try reader.clock()
        lamport = try reader.maximumLamport()
        headHash = try reader.head(of: identity.nodeID)?.hash
        super.init(db: db, storeKey: identity.storeKey, trustKeeper: trustKeeper)
    }

    /// Appends one event written here by `author`, and returns its envelope.
    ///
    /// Refuses an empty author or one with control characters, and an `occurredAt` after now.
    @discardableResult
    public func append(_ event: NewEvent, author: String) throws -> EventEnvelope {
        if let localAppendRefusal { throw localAppendRefusal }
        _ = try identity.signingKey()  // refused up front without the key: nothing is appended that cannot be signed
        if author != acceptedAuthor {
            try Self.validateAuthor(author)
            acceptedAuthor = author
        }
        // Who vouches for it: a signed-in person (their role, their run), or the node alone.
        let authorRole = try authorship(of: event, author: author)
        if authorRole == nil || localRun?.author != author { try signLocalRun() }
        let now = wallClock.now()
        let occurredAt = event.occurredAt ?? now
        guard occurredAt <= now else {
            throw EventLogError.invalidField(field: "occurredAt", value: occurredAt.description, accepted: "an instant no later than now (\(now))")
        }
        let me = identity.nodeID
        var clock = clockState
        clock[me] += 1
        let id = EventID.make(at: now)
        let plaintext = event.payload.canonicalString
        var payload = plaintext
        if EventEnvelope.isSealed(type: event.type, patient: event.patient), let patient = event.patient {
            // Sealed under the patient's key before it is hashed: the chain covers the ciphertext.
            let key = try keys.keyForWriting(patient)
            payload = try SealedPayload.seal(plaintext, key: key, associatedData: SealedPayload.associatedData(
                id: id, origin: me, sequence: clock[me], patient: patient, type: event.type, schemaVersion: event.schemaVersion))
        } else if let patient = event.patient, !SystemEventType.erasing.contains(event.type), let erasure = try keys.erasure(of: patient) {
            throw EventLogError.patientErased(patient: patient.rawValue, event: erasure.rawValue)
        }
        var envelope = EventEnvelope(
            id: id, origin: me, sequence: clock[me], clock: clock, lamport: lamport + 1,
            recordedAt: now, occurredAt: occurredAt, author: author, patient: event.patient, type: event.type,
            schemaVersion: event.schemaVersion, payload: payload, prevHash: headHash,
            hash: EventHash(unchecked: ""), authorRole: authorRole)
        envelope.hash = envelope.computedHash
        if envelope.isSealed { envelope.openedPayload = plaintext }
        try store(envelope)
        // Only after the insert succeeded: a refused event must not advance the chain.
        clockState = clock
        lamport = envelope.lamport
        headHash = envelope.hash
        receiveState.knownHeads[me] = .some(ChainHead(sequence: envelope.sequence, hash: envelope.hash))
        localHeadSigned = false
        if authorRole != nil { extendLocalRun(envelope) }
        written.append(envelope)
        if envelope.sequence % ChainSignature.interval == 0 {
            envelope.signature = try signLocalHead()
            envelope.authorSignature = written.last?.authorSignature
        }
        return envelope
    }

    /// The people signed in to the store for this transaction, by name: their appends carry their
    /// role and are covered by their signature (AppendTransaction+Authors.swift). The CLI signs in
    /// one; a demo writing as several people signs in each.
    var signers: [String: SignedInUser] = [:]
    /// The permission table the store obeys for signed-in people's appends, if the opener set one.
    var permissions: (any AuthorPermissions)?
    /// The run of the signer's events appended and not yet signed: its author, first sequence,
    /// and its last event's sequence and hash.
    var localRun: (author: String, first: Int, last: Int, hash: EventHash)?
    /// Whether the store has any user (looked up once per transaction, at the first append by no
    /// signed-in person; set when a user event is stored): a store without people takes plain names.
    var hasPeople: Bool?
    /// The signers whose standing was checked against the directory in this transaction.
    var signersChecked: Set<String> = []

    /// Whether the local chain's head, as this transaction has left it, carries a signature.
    var localHeadSigned = true

    /// The last trust change this transaction signed: recorded in `trust.head` once it commits.
    var trustRecorded: TrustHead.Link?

    /// Why this transaction may not append events of its own, if it may not (its chain is behind
    /// the head this node last signed): it may still receive.
    var localAppendRefusal: EventLogError?

    /// What the receive rules remember within this transaction (heads, trust).
    public var receiveState = ReceiveState()

    /// Whether `held_events` may hold a row: almost always false, and then storing an event
    /// need not look for held ones to release.
    public lazy var holdsHeldEvents: Bool = (try? Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM held_events)")) ?? true

    var publicKeys: [NodeID: Data] = [:]

    /// Patients this transaction erased because of an erasure (or an acknowledgement of one)
    /// received from another node, with that event: each gets this node's acknowledgement.
    var erasedOnReceipt: [(patient: PatientID, event: EventEnvelope)] = []

    /// Patients whose keys this transaction received: their views are folded again at commit.
    public internal(set) var keysReceived: [PatientID] = []

    /// Inserts one envelope as a row: the one place the columns are listed for writing.
    func store(_ event: EventEnvelope) throws {
        // An erasure, written here or received: the patient's key is destroyed in the same
        // transaction that stores it — both, or neither.
        if SystemEventType.erasing.contains(event.type), let patient = event.patient {
            // Received from another node and new here: this node says so in its own chain, so
            // stores that trust it but not the eraser apply it too (acknowledgeErasures()).
            if event.origin != identity.nodeID, try keys.erasure(of: patient) == nil { erasedOnReceipt.append((patient, event)) }
            try keys.erase(patient, by: event.id)
        }
        if hasPeople == false, SystemEventType.people.contains(event.type) { hasPeople = true }
        try insert.run { row in
            row.text(event.id.rawValue); row.text(event.origin.rawValue); row.integer(event.sequence); row.text(event.clock.description)
            row.integer(event.lamport); row.text(event.recordedAt.description); row.text(event.occurredAt.description); row.text(event.author)
            row.text(event.patient?.rawValue); row.text(event.type); row.integer(event.schemaVersion); row.text(event.payload)
            row.text(event.prevHash?.rawValue); row.text(event.hash.rawValue)
            row.text(event.authorRole)
        }
        if let authorSignature = event.authorSignature { try storeAuthorSignature(authorSignature, origin: event.origin, sequence: event.sequence) }
    }

    /// The longest author name accepted.
    public static let maximumAuthorLength = 100

    static func validateAuthor(_ author: String) throws {
        do {
            try EventLogError.checkName(author, field: "author", maximumLength: maximumAuthorLength,
                                        accepted: "a user name of 1–\(maximumAuthorLength) characters without control or invisible characters")
        } catch let error as EventLogError {
            throw error.with(.giveAuthor)
        }
    }
}
